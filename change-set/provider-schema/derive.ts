/**
 * Derives, from `terraform providers schema -json` output for one provider, the facts the
 * change-set prediction needs about a provider-level change: which resource types carry
 * `tags_all` (so follow the provider's `default_tags`), and which resource and data source
 * types have a `region` argument (so follow the provider's `region`).
 */

/** The derived file: lists of type names, sorted, plus where they came from. */
export interface ProviderFacts {
  readonly provider: string;
  readonly version: string;
  readonly derivedFrom: string;
  /** Every resource type the schema describes. */
  readonly resources: readonly string[];
  /** Resource types with a `tags_all` attribute. */
  readonly tagsAll: readonly string[];
  /** Resource types with a `region` argument (AWS provider 6's per-resource region). */
  readonly regionalResources: readonly string[];
  /** Every data source type the schema describes. */
  readonly dataSources: readonly string[];
  /** Data source types with a `region` argument. */
  readonly regionalDataSources: readonly string[];
}

interface SchemaBlock {
  readonly block?: { readonly attributes?: Readonly<Record<string, unknown>> };
}
type SchemasByType = Readonly<Record<string, SchemaBlock>>;

/**
 * Accepts both the shape Terraform prints (`provider_schemas.<source>.resource_schemas`) and the
 * flattened one of a single provider (`resource`, `data`, `provider_version`, `source`).
 */
export function deriveProviderFacts(schema: unknown, provider: string): ProviderFacts {
  const root = schema as Record<string, unknown>;
  const nested = root.provider_schemas as Record<string, Record<string, unknown>> | undefined;
  const single = nested ? Object.values(nested)[0] : root;
  const resources = (single.resource_schemas ?? single.resource ?? {}) as SchemasByType;
  const dataSources = (single.data_source_schemas ?? single.data ?? {}) as SchemasByType;
  const withAttribute = (types: SchemasByType, attribute: string) =>
    Object.keys(types)
      .filter((type) => Object.hasOwn(types[type].block?.attributes ?? {}, attribute))
      .sort();
  return {
    provider,
    version: String(root.provider_version ?? single.provider_version ?? "unknown"),
    derivedFrom: String(root.source ?? single.source ?? "terraform providers schema -json"),
    resources: Object.keys(resources).sort(),
    tagsAll: withAttribute(resources, "tags_all"),
    regionalResources: withAttribute(resources, "region"),
    dataSources: Object.keys(dataSources).sort(),
    regionalDataSources: withAttribute(dataSources, "region"),
  };
}
