/**
 * Lambda (REST JSON) as the provider uses it for `aws_lambda_function`, `aws_lambda_permission`
 * and `aws_lambda_function_recursion_config`. The uploaded zip is kept, so the function can be
 * run as built (`functions.get(name).zip`).
 */
import { createHash } from "node:crypto";
import type { SimulatedClock } from "../clock";
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

/** REST routes the provider calls: method, path pattern, operation. */
const ROUTES: readonly [string, RegExp, string][] = [
  ["POST", /^\/2015-03-31\/functions\/?$/, "CreateFunction"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/?$/, "GetFunction"],
  ["DELETE", /^\/2015-03-31\/functions\/[^/]+\/?$/, "DeleteFunction"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/configuration$/, "GetFunctionConfiguration"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/versions$/, "ListVersionsByFunction"],
  ["POST", /^\/2015-03-31\/functions\/[^/]+\/policy$/, "AddPermission"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/policy$/, "GetPolicy"],
  ["DELETE", /^\/2015-03-31\/functions\/[^/]+\/policy\/[^/]+$/, "RemovePermission"],
  ["POST", /^\/2015-03-31\/functions\/[^/]+\/invocations$/, "Invoke"],
  [
    "GET",
    /^\/20\d\d-\d\d-\d\d\/functions\/[^/]+\/code-signing-config$/,
    "GetFunctionCodeSigningConfig",
  ],
  ["PUT", /^\/2024-08-31\/functions\/[^/]+\/recursion-config$/, "PutFunctionRecursionConfig"],
  ["GET", /^\/2024-08-31\/functions\/[^/]+\/recursion-config$/, "GetFunctionRecursionConfig"],
  ["GET", /^\/2017-03-31\/tags\/.+$/, "ListTags"],
  // The function's reserved concurrency (`reserved_concurrent_executions`).
  ["PUT", /^\/20\d\d-\d\d-\d\d\/functions\/[^/]+\/concurrency$/, "PutFunctionConcurrency"],
  ["GET", /^\/20\d\d-\d\d-\d\d\/functions\/[^/]+\/concurrency$/, "GetFunctionConcurrency"],
  ["DELETE", /^\/20\d\d-\d\d-\d\d\/functions\/[^/]+\/concurrency$/, "DeleteFunctionConcurrency"],
];

export interface LambdaFunction {
  readonly configuration: Record<string, unknown> & { FunctionName: string; FunctionArn: string };
  readonly zip: Buffer;
  readonly statements: object[];
  recursiveLoop: string;
  readonly tags: Record<string, string>;
  /** Reserved concurrency, when set. */
  reservedConcurrency?: number;
}

export class SimulatedLambda implements SimulatedService {
  constructor(private readonly clock: SimulatedClock) {}

  readonly signingName = "lambda";
  readonly functions = new Map<string, LambdaFunction>();
  /** Runs the function for an asynchronous invocation (set by the simulation's runner). */
  invoke: (fn: LambdaFunction, payload: string) => void = () => undefined;

  route(method: string, path: string): string {
    return ROUTES.find(([m, pattern]) => m === method && pattern.test(path))?.[2] ?? "";
  }

  handle({ operation, params, region, path }: ServiceCall): object {
    const name = functionName(path);
    switch (operation) {
      case "CreateFunction": {
        const { Code, Tags, Publish, ...settings } = params as Record<string, unknown> & {
          Code: { ZipFile: string };
          Tags?: Record<string, string>;
        };
        void Publish;
        const zip = Buffer.from(Code.ZipFile, "base64");
        const fnName = String(settings.FunctionName);
        const configuration = {
          Description: "",
          Timeout: 3,
          MemorySize: 128,
          Architectures: ["x86_64"],
          PackageType: "Zip",
          TracingConfig: { Mode: "PassThrough" },
          EphemeralStorage: { Size: 512 },
          SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
          ...settings,
          FunctionName: fnName,
          FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${fnName}`,
          CodeSha256: createHash("sha256").update(zip).digest("base64"),
          CodeSize: zip.length,
          Version: "$LATEST",
          LastModified: new Date(this.clock.now()).toISOString().replace("Z", "+0000"),
          RevisionId: `rev-${Date.now()}`,
          State: "Active",
          LastUpdateStatus: "Successful",
          RuntimeVersionConfig: {
            RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:simulated`,
          },
        };
        this.functions.set(fnName, {
          configuration,
          zip,
          statements: [],
          recursiveLoop: "Terminate",
          tags: { ...Tags },
        });
        return { output: configuration, statusCode: 201 };
      }
      case "GetFunction": {
        const fn = this.fn(name);
        return {
          Configuration: fn.configuration,
          Code: { RepositoryType: "S3", Location: "https://simulated.invalid/code.zip" },
          Tags: fn.tags,
          ...(fn.reservedConcurrency === undefined
            ? {}
            : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }),
        };
      }
      case "PutFunctionConcurrency": {
        const { ReservedConcurrentExecutions } = params as { ReservedConcurrentExecutions: number };
        this.fn(name).reservedConcurrency = ReservedConcurrentExecutions;
        return { ReservedConcurrentExecutions };
      }
      case "GetFunctionConcurrency": {
        const reserved = this.fn(name).reservedConcurrency;
        return reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved };
      }
      case "DeleteFunctionConcurrency":
        this.fn(name).reservedConcurrency = undefined;
        return { output: {}, statusCode: 204 };
      case "GetFunctionConfiguration":
        return this.fn(name).configuration;
      case "ListVersionsByFunction":
        return { Versions: [this.fn(name).configuration] };
      case "GetFunctionCodeSigningConfig":
        return { FunctionName: this.fn(name).configuration.FunctionName, CodeSigningConfigArn: "" };
      case "ListTags": {
        const fn = [...this.functions.values()].find((f) =>
          path.endsWith(f.configuration.FunctionArn),
        );
        return { Tags: fn?.tags ?? {} };
      }
      case "PutFunctionRecursionConfig":
        this.fn(name).recursiveLoop = String((params as { RecursiveLoop?: string }).RecursiveLoop);
        return { RecursiveLoop: this.fn(name).recursiveLoop };
      case "GetFunctionRecursionConfig":
        return { RecursiveLoop: this.fn(name).recursiveLoop };
      case "AddPermission": {
        const fn = this.fn(name);
        const p = params as Record<string, string>;
        const statement = {
          Sid: p.StatementId,
          Effect: "Allow",
          Principal: { Service: p.Principal },
          Action: p.Action,
          Resource: fn.configuration.FunctionArn,
          ...(p.SourceArn ? { Condition: { ArnLike: { "AWS:SourceArn": p.SourceArn } } } : {}),
        };
        fn.statements.push(statement);
        return { output: { Statement: JSON.stringify(statement) }, statusCode: 201 };
      }
      case "GetPolicy": {
        const fn = this.fn(name);
        if (fn.statements.length === 0)
          throw notFound("The resource you requested does not exist.");
        return {
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Id: "default",
            Statement: fn.statements,
          }),
          RevisionId: fn.configuration.RevisionId,
        };
      }
      case "RemovePermission": {
        const fn = this.fn(name);
        const sid = path.split("/").at(-1);
        const at = fn.statements.findIndex((s) => (s as { Sid: string }).Sid === sid);
        if (at < 0) throw notFound("The resource you requested does not exist.");
        fn.statements.splice(at, 1);
        return { output: {}, statusCode: 204 };
      }
      case "DeleteFunction":
        this.fn(name);
        this.functions.delete(name);
        return { output: {}, statusCode: 204 };
      default:
        throw new AwsError(
          "InvalidAction",
          `simulated Lambda has no ${operation || "such route"}`,
          404,
        );
    }
  }

  private fn(name: string): LambdaFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw notFound(`Function not found: ${name}`);
    return fn;
  }
}

/** `/2015-03-31/functions/<name or ARN>/...` → the function's name. */
function functionName(path: string): string {
  const segment = path.split("/")[3] ?? "";
  return segment.split(":").at(segment.startsWith("arn:") ? 6 : -1) ?? segment;
}

function notFound(message: string): AwsError {
  return new AwsError("ResourceNotFoundException", message, 404);
}
