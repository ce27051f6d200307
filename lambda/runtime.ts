/**
 * The Node.js line the project's functions run on in Lambda. The runtime the construct declares
 * and the syntax esbuild may emit follow from it, so they cannot drift apart.
 *
 * nodejs24.x runs until 2028-04-30 (nodejs22.x: deprecated 2027-04-30, no updates from
 * 2027-07-01); docs/upgrading.md, "The Lambda runtime", says how to move to the next line.
 */
export const LAMBDA_NODE_MAJOR = 24;

/** The `runtime` of `aws_lambda_function`. */
export const LAMBDA_RUNTIME = `nodejs${LAMBDA_NODE_MAJOR}.x`;

/** esbuild's `target` for a function's bundle. */
export const BUNDLE_TARGET = `node${LAMBDA_NODE_MAJOR}`;
