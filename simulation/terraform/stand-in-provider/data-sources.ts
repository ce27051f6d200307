/**
 * The data sources the stacks read, answered deterministically: the caller identity, region and
 * partition of a fake account, and `aws_iam_policy_document` rendered as the provider renders it
 * (a single value as a string, a list otherwise).
 */
import { createHash } from "node:crypto";
import { isObject, type ObjectValue, type Value } from "./cty";
import { ACCOUNT_ID, type ProviderSettings } from "./managed-resources";

type Reader = (config: ObjectValue, settings: ProviderSettings) => ObjectValue;

const READERS: Readonly<Record<string, Reader>> = {
  aws_caller_identity: () => ({
    id: ACCOUNT_ID,
    account_id: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/stand-in`,
    user_id: "AIDASTANDINPROVIDER0",
  }),
  aws_partition: () => ({
    id: "aws",
    partition: "aws",
    dns_suffix: "amazonaws.com",
    reverse_dns_prefix: "com.amazonaws",
  }),
  aws_region: (config, settings) => {
    const region = stringOr(config.region, stringOr(config.name, settings.region));
    return {
      id: region,
      name: region,
      region,
      endpoint: `ec2.${region}.amazonaws.com`,
      description: region,
    };
  },
  aws_iam_policy_document: (config) => {
    const document = policyDocument(config);
    const json = JSON.stringify(document, null, 2);
    return {
      id: String(parseInt(createHash("sha256").update(json).digest("hex").slice(0, 8), 16)),
      json,
      minified_json: JSON.stringify(document),
    };
  },
};

export function canRead(type: string): boolean {
  return Object.hasOwn(READERS, type);
}

/** The data source's state: its configuration with the computed attributes filled in. */
export function readDataSource(
  type: string,
  config: ObjectValue,
  settings: ProviderSettings,
): ObjectValue {
  const computed = READERS[type](config, settings);
  const result: ObjectValue = { ...config };
  for (const [name, value] of Object.entries(computed)) {
    if (name in config && (config[name] === null || name === "id")) result[name] = value;
  }
  return result;
}

function policyDocument(config: ObjectValue): object {
  const statements = Array.isArray(config.statement) ? config.statement : [];
  return {
    Version: stringOr(config.version, "2012-10-17"),
    ...(typeof config.policy_id === "string" ? { Id: config.policy_id } : {}),
    Statement: statements.filter(isObject).map(statementOf),
  };
}

function statementOf(statement: ObjectValue): ObjectValue {
  return omitEmpty({
    Sid: statement.sid,
    Effect: stringOr(statement.effect, "Allow"),
    Action: oneOrMany(statement.actions),
    NotAction: oneOrMany(statement.not_actions),
    Resource: oneOrMany(statement.resources),
    NotResource: oneOrMany(statement.not_resources),
    Principal: principalsOf(statement.principals),
    NotPrincipal: principalsOf(statement.not_principals),
    Condition: conditionsOf(statement.condition),
  });
}

function principalsOf(principals: Value): ObjectValue | undefined {
  if (!Array.isArray(principals) || principals.length === 0) return undefined;
  const byType: Record<string, Value> = {};
  for (const principal of principals.filter(isObject)) {
    byType[String(principal.type)] = oneOrMany(principal.identifiers) ?? null;
  }
  return byType;
}

function conditionsOf(conditions: Value): ObjectValue | undefined {
  if (!Array.isArray(conditions) || conditions.length === 0) return undefined;
  const byTest: Record<string, ObjectValue> = {};
  for (const condition of conditions.filter(isObject)) {
    const test = String(condition.test);
    byTest[test] = {
      ...byTest[test],
      [String(condition.variable)]: oneOrMany(condition.values) ?? null,
    };
  }
  return byTest;
}

function oneOrMany(values: Value): Value | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}

function omitEmpty(object: Record<string, Value | undefined>): ObjectValue {
  const present = Object.entries(object).filter(
    (entry): entry is [string, Value] => entry[1] !== undefined && entry[1] !== null,
  );
  return Object.fromEntries(present);
}

function stringOr(value: Value | undefined, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}
