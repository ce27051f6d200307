/**
 * The AMIs of the story every test, simulation and benchmark tells, each named for its part in
 * it: the image the stages run now, the newer one a rollout moves to, and an older one (a
 * rollback, or what an instance still runs from before). Nothing else holds an AMI id.
 */

/** What stacks/stages.json and the stages fixture run, on both stages. */
export const COMMITTED_AMI = "ami-0c5f3e7a9b1d24680";
/** A newer ECS-optimized image: what `ami latest` finds and a rollout moves to. */
export const NEW_AMI = "ami-0a1b2c3d4e5f67890";
/** An image created before COMMITTED_AMI: a rollback, or an instance's image from before. */
export const OLDER_AMI = "ami-0badc0ffee0000001";

/** The CLI's stages file for tests and benchmarks, kept apart from stacks/stages.json; it runs COMMITTED_AMI. */
export const STAGES_FIXTURE = "simulation/stages.fixture.json";
