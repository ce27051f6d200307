import type { Scene } from "./cluster-scene";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

/** The clusters the CLI tests and the README's examples run against. */

// The committed stages file has staging on COMMITTED_AMI; these tests roll it onto NEW_AMI.
export const OLD_ASG = "apps-staging-20261001000000000000000001";
export const NEW_ASG = "apps-staging-20261201115500000000000002";

const scene = (
  instances: Scene["instances"],
  services: Scene["services"] = [
    { name: "web", desired: 2, running: 2 },
    { name: "api", desired: 1, running: 1 },
  ],
): Scene => ({ cluster: "apps-staging", instances, services });

/** A rollout as ECS shows it poll by poll: old instance drains, tasks start on the new one. */
export const ROLLOUT: Scene[] = [
  scene([
    { id: "i-0old0000000000001", ami: COMMITTED_AMI, az: "us-east-1a", tasks: 3, asg: OLD_ASG },
    { id: "i-0new0000000000002", ami: NEW_AMI, az: "us-east-1b", tasks: 0, asg: NEW_ASG },
  ]),
  scene(
    [
      {
        id: "i-0old0000000000001",
        ami: COMMITTED_AMI,
        az: "us-east-1a",
        tasks: 3,
        asg: OLD_ASG,
        status: "DRAINING",
      },
      { id: "i-0new0000000000002", ami: NEW_AMI, az: "us-east-1b", tasks: 0, asg: NEW_ASG },
    ],
    [
      { name: "web", desired: 2, running: 1, deployments: 2 },
      { name: "api", desired: 1, running: 1 },
    ],
  ),
  scene(
    [
      {
        id: "i-0old0000000000001",
        ami: COMMITTED_AMI,
        az: "us-east-1a",
        tasks: 1,
        asg: OLD_ASG,
        status: "DRAINING",
      },
      { id: "i-0new0000000000002", ami: NEW_AMI, az: "us-east-1b", tasks: 2, asg: NEW_ASG },
    ],
    [
      { name: "web", desired: 2, running: 2 },
      { name: "api", desired: 1, running: 0, deployments: 2 },
    ],
  ),
  scene([{ id: "i-0new0000000000002", ami: NEW_AMI, az: "us-east-1b", tasks: 3, asg: NEW_ASG }]),
];

/** Production with two services piled up: web on one instance, api in one AZ. */
export const PRODUCTION_INSTANCES = [
  { id: "i-0aaa0000000000001", ami: COMMITTED_AMI, az: "us-east-1a", tasks: 6 },
  { id: "i-0bbb0000000000002", ami: COMMITTED_AMI, az: "us-east-1b", tasks: 1 },
  { id: "i-0ccc0000000000003", ami: COMMITTED_AMI, az: "us-east-1a", tasks: 1 },
];
export const LOPSIDED: Scene = {
  cluster: "apps-production",
  instances: PRODUCTION_INSTANCES,
  services: [
    {
      name: "web",
      desired: 3,
      running: 3,
      taskOn: ["i-0aaa0000000000001", "i-0aaa0000000000001", "i-0aaa0000000000001"],
    },
    { name: "api", desired: 2, running: 2, taskOn: ["i-0aaa0000000000001", "i-0ccc0000000000003"] },
    {
      name: "worker",
      desired: 2,
      running: 2,
      taskOn: ["i-0aaa0000000000001", "i-0bbb0000000000002"],
    },
    { name: "cron", desired: 1, running: 1, taskOn: ["i-0bbb0000000000002"] },
  ],
};
