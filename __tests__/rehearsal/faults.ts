/**
 * Faults a scenario switches on in the simulated AWS once the base stack serves. Each wraps one
 * member of a simulated service (the simulation calls them through the object), so the faults
 * stay out of the services' own code.
 */
import { AwsError } from "./simulated-aws/service";
import type { SimulatedAws } from "./simulated-aws/simulation";

/** The AMI an instance was launched from, by its group's launch configuration. */
function amiOf(aws: SimulatedAws, instanceId: string): string | undefined {
  for (const group of aws.autoScaling.groups.values()) {
    const instance = group.instances.find((i) => i.InstanceId === instanceId);
    if (instance === undefined) continue;
    const lc = aws.autoScaling.launchConfigurations.get(instance.LaunchConfigurationName);
    return typeof lc?.ImageId === "string" ? lc.ImageId : undefined;
  }
  return undefined;
}

/** Instances booted from `amiId` never register with ECS (a broken agent, say). */
export function neverRegisters(aws: SimulatedAws, amiId: string): void {
  const register = aws.ecs.register.bind(aws.ecs);
  aws.ecs.register = (cluster, ec2InstanceId, region) => {
    if (amiOf(aws, ec2InstanceId) !== amiId) register(cluster, ec2InstanceId, region);
  };
}

/** Every other ECS call is refused with a ThrottlingException (each succeeds when retried). */
export function throttleEcs(aws: SimulatedAws): void {
  const handle = aws.ecs.handle.bind(aws.ecs);
  let calls = 0;
  aws.ecs.handle = (call) => {
    if (calls++ % 2 === 0) throw new AwsError("ThrottlingException", "Rate exceeded");
    return handle(call);
  };
}
