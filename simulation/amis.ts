/**
 * The AMI ids the simulations and the CLI's stages fixture use (`simulation/stages.fixture.json`):
 * both stages run COMMITTED_AMI there, and NEW_AMI is the newer image a rollout moves to.
 */
export const COMMITTED_AMI = "ami-0c5f3e7a9b1d24680";
export const NEW_AMI = "ami-0a1b2c3d4e5f67890";

/** The CLI's stages file for tests and benchmarks, kept apart from stacks/stages.json. */
export const STAGES_FIXTURE = "simulation/stages.fixture.json";
