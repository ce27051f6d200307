/**
 * The tfplugin5 `Provider` service of the stand-in: decodes each request's DynamicValues with
 * the vendored schema and hands them to the managed-resource, data-source and import logic.
 */
import * as fs from "node:fs";
import type * as grpc from "@grpc/grpc-js";
import {
  conform,
  decodeValue,
  encodeValue,
  isObject,
  type CtyType,
  type ObjectValue,
  type Value,
} from "./cty";
import { canRead, readDataSource } from "./data-sources";
import {
  appendLog,
  applyChange,
  generationCounter,
  logId,
  planChange,
  type ProviderSettings,
} from "./managed-resources";
import { impliedType, schemaMessage, type TypeSchema, type VendoredSchema } from "./schema";

interface DynamicValue {
  readonly msgpack?: Buffer;
  readonly json?: Buffer;
}

interface Diagnostic {
  readonly severity: "ERROR" | "WARNING";
  readonly summary: string;
  readonly detail: string;
}

export interface StandInOptions {
  /** Where every create/update/delete is appended (one JSON line each); none: not recorded. */
  readonly applyLog?: string;
  /** `{ "<type>": { "<import id>": { ...attributes } } }`: the objects that can be imported. */
  readonly importFixtureFile: string;
}

// Each request message is a plain object from proto-loader; fields are read by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Request = any;
type Handler = (request: Request) => object | Promise<object>;

export class StandInProvider {
  private settings: ProviderSettings = { region: "us-east-1", defaultTags: {} };
  private readonly generation: (digest: string) => number;

  constructor(
    private readonly schema: VendoredSchema,
    private readonly options: StandInOptions,
  ) {
    const log = options.applyLog;
    this.generation = generationCounter(log === undefined ? undefined : `${log}.created`);
  }

  /** The service implementation for grpc-js: one unary handler per RPC. */
  handlers(): grpc.UntypedServiceImplementation {
    const rpcs: Record<string, Handler> = {
      GetMetadata: () => this.getMetadata(),
      GetSchema: () => this.getSchema(),
      PrepareProviderConfig: (r) => ({ prepared_config: r.config, diagnostics: [] }),
      ValidateResourceTypeConfig: (r) => ({
        diagnostics: this.unknownType("resource", r.type_name),
      }),
      ValidateDataSourceConfig: (r) => ({ diagnostics: this.unknownType("data", r.type_name) }),
      UpgradeResourceState: (r) => this.upgradeResourceState(r),
      Configure: (r) => this.configure(r),
      ReadResource: (r) => ({ new_state: r.current_state, private: r.private, diagnostics: [] }),
      PlanResourceChange: (r) => this.planResourceChange(r),
      ApplyResourceChange: (r) => this.applyResourceChange(r),
      ImportResourceState: (r) => this.importResourceState(r),
      ReadDataSource: (r) => this.readDataSource(r),
      GetFunctions: () => ({ functions: {}, diagnostics: [] }),
      Stop: () => ({ Error: "" }),
    };
    return Object.fromEntries(
      Object.entries(rpcs).map(([name, handler]) => [
        name,
        (call: grpc.ServerUnaryCall<Request, object>, reply: grpc.sendUnaryData<object>) => {
          Promise.resolve()
            .then(() => handler(call.request))
            .then(
              (response) => reply(null, response),
              (error: unknown) => {
                console.error(`stand-in provider: ${name}: ${String(error)}`);
                reply(null, { diagnostics: [errorDiagnostic(`${name} failed`, String(error))] });
              },
            );
        },
      ]),
    );
  }

  private getMetadata(): object {
    return {
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
      resources: Object.keys(this.schema.resource).map((type_name) => ({ type_name })),
      data_sources: Object.keys(this.schema.data).map((type_name) => ({ type_name })),
      diagnostics: [],
    };
  }

  private getSchema(): object {
    const messages = (schemas: Readonly<Record<string, TypeSchema>>) =>
      Object.fromEntries(Object.entries(schemas).map(([type, s]) => [type, schemaMessage(s)]));
    return {
      provider: schemaMessage(this.schema.provider),
      resource_schemas: messages(this.schema.resource),
      data_source_schemas: messages(this.schema.data),
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
      diagnostics: [],
    };
  }

  private configure(request: Request): object {
    const config = decode(request.config);
    if (isObject(config)) {
      const defaultTags = Array.isArray(config.default_tags) ? config.default_tags[0] : null;
      const tags = isObject(defaultTags) && isObject(defaultTags.tags) ? defaultTags.tags : {};
      this.settings = {
        region: typeof config.region === "string" ? config.region : this.settings.region,
        defaultTags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])),
      };
    }
    return { diagnostics: [] };
  }

  private upgradeResourceState(request: Request): object {
    const type = this.resourceType(request.type_name);
    const raw: Buffer | undefined = request.raw_state?.json;
    const state = raw && raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Value) : null;
    return {
      upgraded_state: { msgpack: encodeValue(conform(state, type), type) },
      diagnostics: [],
    };
  }

  private planResourceChange(request: Request): object {
    const schema = this.resourceSchema(request.type_name);
    const type = impliedType(schema.block);
    const { planned, requiresReplace } = planChange(
      request.type_name,
      schema.block,
      decode(request.prior_state),
      decode(request.proposed_new_state),
      this.settings,
    );
    return {
      planned_state: { msgpack: encodeValue(planned, type) },
      requires_replace: requiresReplace.map((name) => ({ steps: [{ attribute_name: name }] })),
      planned_private: request.prior_private,
      diagnostics: [],
    };
  }

  private applyResourceChange(request: Request): object {
    const typeName: string = request.type_name;
    const type = this.resourceType(typeName);
    const prior = decode(request.prior_state);
    const planned = decode(request.planned_state);
    if (planned === null) {
      appendLog(this.options.applyLog, { action: "delete", type: typeName, id: logId(prior) });
      return { new_state: { msgpack: encodeValue(null, type) }, diagnostics: [] };
    }
    const generation = prior === null ? this.generation : undefined;
    const result = applyChange(typeName, type, planned, this.settings, generation);
    const action = prior === null ? "create" : "update";
    appendLog(this.options.applyLog, { action, type: typeName, id: logId(result) });
    return { new_state: { msgpack: encodeValue(result, type) }, private: request.planned_private };
  }

  private importResourceState(request: Request): object {
    const typeName: string = request.type_name;
    const type = this.resourceType(typeName);
    const fixture = this.importFixture()[typeName]?.[request.id];
    if (fixture === undefined) {
      return {
        imported_resources: [],
        diagnostics: [
          errorDiagnostic(
            "Cannot import non-existent remote object",
            `The stand-in's import fixture has no ${typeName} with id "${request.id}".`,
          ),
        ],
      };
    }
    const state = conform({ ...fixture, id: request.id }, type);
    return {
      imported_resources: [{ type_name: typeName, state: { msgpack: encodeValue(state, type) } }],
      diagnostics: [],
    };
  }

  private readDataSource(request: Request): object {
    const typeName: string = request.type_name;
    const schema = this.schema.data[typeName];
    const config = decode(request.config);
    if (schema === undefined || !canRead(typeName) || !isObject(config)) {
      return { diagnostics: [errorDiagnostic(`The stand-in cannot read data.${typeName}`, "")] };
    }
    const state = readDataSource(typeName, config, this.settings);
    return { state: { msgpack: encodeValue(state, impliedType(schema.block)) }, diagnostics: [] };
  }

  private importFixture(): Record<string, Record<string, ObjectValue>> {
    return JSON.parse(fs.readFileSync(this.options.importFixtureFile, "utf8"));
  }

  private unknownType(kind: "resource" | "data", type: string): Diagnostic[] {
    return Object.hasOwn(this.schema[kind], type)
      ? []
      : [errorDiagnostic(`The stand-in has no schema for ${kind} type ${type}`, "")];
  }

  private resourceSchema(type: string): TypeSchema {
    const schema = this.schema.resource[type];
    if (schema === undefined) throw new Error(`no schema for resource type ${type}`);
    return schema;
  }

  private resourceType(type: string): CtyType {
    return impliedType(this.resourceSchema(type).block);
  }
}

function decode(value: DynamicValue | null | undefined): Value {
  if (value?.msgpack && value.msgpack.length > 0) return decodeValue(value.msgpack);
  if (value?.json && value.json.length > 0) return JSON.parse(value.json.toString("utf8")) as Value;
  return null;
}

function errorDiagnostic(summary: string, detail: string): Diagnostic {
  return { severity: "ERROR", summary, detail };
}
