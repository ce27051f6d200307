/**
 * EC2 instance type rules: the format of every type, and the families a launch configuration
 * cannot launch (a stage with `"launch": "template"` may use them).
 *
 * Source: Amazon EC2 Auto Scaling User Guide, "Auto Scaling launch configurations"
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/LaunchConfiguration.html): "As of
 * January 1, 2023, new Amazon EC2 instance types are no longer supported in launch
 * configurations." CreateLaunchConfiguration accepts only types released before then, so a
 * newer one synthesizes and plans cleanly and fails only at apply, in the middle of a rollout.
 */

/**
 * Instance families released from 2023 on, by the year AWS announced them, each with an older
 * family of the same kind that launch configurations still launch. Extend it when AWS releases
 * a family; a family missing here passes synth and fails at apply.
 */
export const FAMILIES_TOO_NEW_FOR_LAUNCH_CONFIGURATIONS: Readonly<
  Record<string, { readonly released: number; readonly instead: string }>
> = {
  // General purpose
  m7i: { released: 2023, instead: "m6i" },
  "m7i-flex": { released: 2023, instead: "m6i" },
  m7a: { released: 2023, instead: "m6a" },
  m7g: { released: 2023, instead: "m6g" },
  m7gd: { released: 2023, instead: "m6gd" },
  m8g: { released: 2024, instead: "m6g" },
  m8gd: { released: 2025, instead: "m6gd" },
  m8i: { released: 2025, instead: "m6i" },
  "m8i-flex": { released: 2025, instead: "m6i" },
  m8a: { released: 2025, instead: "m6a" },
  "mac2-m2": { released: 2023, instead: "mac2" },
  "mac2-m2pro": { released: 2023, instead: "mac2" },
  "mac2-m1ultra": { released: 2023, instead: "mac2" },
  "mac-m4": { released: 2025, instead: "mac2" },
  "mac-m4pro": { released: 2025, instead: "mac2" },
  // Compute optimized
  c7i: { released: 2023, instead: "c6i" },
  "c7i-flex": { released: 2024, instead: "c6i" },
  c7a: { released: 2023, instead: "c6a" },
  c7gd: { released: 2023, instead: "c6gd" },
  c7gn: { released: 2023, instead: "c6gn" },
  c8g: { released: 2024, instead: "c6g" },
  c8gd: { released: 2025, instead: "c6gd" },
  c8gn: { released: 2025, instead: "c6gn" },
  c8i: { released: 2025, instead: "c6i" },
  "c8i-flex": { released: 2025, instead: "c6i" },
  c8a: { released: 2025, instead: "c6a" },
  // Memory optimized
  r7i: { released: 2023, instead: "r6i" },
  r7iz: { released: 2023, instead: "r6i" },
  r7a: { released: 2023, instead: "r6a" },
  r7g: { released: 2023, instead: "r6g" },
  r7gd: { released: 2023, instead: "r6gd" },
  r8g: { released: 2024, instead: "r6g" },
  r8gd: { released: 2025, instead: "r6gd" },
  r8i: { released: 2025, instead: "r6i" },
  "r8i-flex": { released: 2025, instead: "r6i" },
  r8a: { released: 2025, instead: "r6a" },
  x8g: { released: 2024, instead: "x2gd" },
  "u7i-6tb": { released: 2024, instead: "u-6tb1" },
  "u7i-8tb": { released: 2024, instead: "u-9tb1" },
  "u7i-12tb": { released: 2024, instead: "u-12tb1" },
  "u7in-16tb": { released: 2024, instead: "u-18tb1" },
  "u7in-24tb": { released: 2024, instead: "u-24tb1" },
  "u7in-32tb": { released: 2024, instead: "u-24tb1" },
  // Storage optimized
  i7ie: { released: 2024, instead: "i4i" },
  i7i: { released: 2025, instead: "i4i" },
  i8g: { released: 2025, instead: "i4g" },
  i8ge: { released: 2025, instead: "i4g" },
  // Accelerated computing and HPC
  g6: { released: 2024, instead: "g5" },
  g6e: { released: 2024, instead: "g5" },
  gr6: { released: 2024, instead: "g5" },
  p5: { released: 2023, instead: "p4d" },
  p5e: { released: 2024, instead: "p4d" },
  p5en: { released: 2025, instead: "p4d" },
  inf2: { released: 2023, instead: "inf1" },
  trn1n: { released: 2023, instead: "trn1" },
  trn2: { released: 2024, instead: "trn1" },
  f2: { released: 2024, instead: "f1" },
  hpc7g: { released: 2023, instead: "hpc6a" },
  hpc7a: { released: 2023, instead: "hpc6a" },
};

/** Sizes EC2 uses: nano … xlarge, `<n>xlarge`, `metal`, `metal-<n>xl`. */
const SIZE = "(?:nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(?:-[1-9][0-9]*xl)?)";
/**
 * A family: a series (`m`, `mac-m`), a generation digit, attribute letters, and options
 * (`m7i-flex`, `mac2-m2pro`, `u7i-12tb`); the first high-memory series is `u-<n>tb1`.
 */
const FAMILY = "(?:[a-z]+(?:-[a-z]+)?[0-9][a-z0-9]*(?:-[a-z0-9]+)*|u-[0-9]+tb[0-9]+)";

export const INSTANCE_TYPE_PATTERN = new RegExp(`^${FAMILY}\\.${SIZE}$`);

export const INSTANCE_TYPE_RULE =
  "must be an EC2 instance type like t3.large: <family>.<size>, the size one of nano, micro, small, medium, large, xlarge, <n>xlarge, metal";

/**
 * Why a launch configuration cannot launch `instanceType` (with what to do instead), or
 * undefined when it can as far as this table knows.
 */
export function launchConfigurationProblem(instanceType: string): string | undefined {
  const family = instanceType.split(".")[0];
  if (!Object.hasOwn(FAMILIES_TOO_NEW_FOR_LAUNCH_CONFIGURATIONS, family)) return undefined;
  const { released, instead } = FAMILIES_TOO_NEW_FOR_LAUNCH_CONFIGURATIONS[family];
  return `cannot be launched by a launch configuration (${family} is from ${released}; launch configurations support no instance type released after 2022): use an older family such as ${instead}, or set "launch": "template" for the stage (a launch template launches every current type)`;
}
