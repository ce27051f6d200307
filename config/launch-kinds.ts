/**
 * What a stage's instances launch from (`launch` in stacks/stages.json): `configuration`, the
 * launch configuration the live clusters use, or `template`, a launch template.
 */
export const LAUNCH_KINDS = ["configuration", "template"] as const;
export type LaunchKind = (typeof LAUNCH_KINDS)[number];
