import {
  AutoScalingClient,
  DescribeAutoScalingInstancesCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { sceneAnswer, type Scene } from "./cluster-scene";

/** aws-sdk-client-mock stubs of ECS and Auto Scaling that answer from whatever scene is current. */
export function mockScene(current: () => Scene) {
  const ecs = mockClient(ECSClient);
  const autoScaling = mockClient(AutoScalingClient);
  const install = () => {
    const commands = {
      DescribeClusters: DescribeClustersCommand,
      ListContainerInstances: ListContainerInstancesCommand,
      DescribeContainerInstances: DescribeContainerInstancesCommand,
      ListServices: ListServicesCommand,
      DescribeServices: DescribeServicesCommand,
      ListTasks: ListTasksCommand,
      DescribeTasks: DescribeTasksCommand,
      UpdateService: UpdateServiceCommand,
    };
    for (const [operation, command] of Object.entries(commands)) {
      ecs
        .on(command as never)
        .callsFake((input: Record<string, unknown>) => sceneAnswer(current(), operation, input));
    }
    autoScaling
      .on(DescribeAutoScalingInstancesCommand)
      .callsFake((input) => sceneAnswer(current(), "DescribeAutoScalingInstances", input));
  };
  return {
    ecs,
    autoScaling,
    /** Clears recorded calls and answers from the scene again. */
    reset() {
      ecs.reset();
      autoScaling.reset();
      install();
    },
  };
}
