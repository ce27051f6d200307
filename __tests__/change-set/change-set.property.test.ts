import fc from "fast-check";
import {
  changeSet,
  type BlockConfig,
  type JsonValue,
  type SynthesizedDocument,
} from "../../change-set/change-set";

// Small vocabularies so that generated references often name blocks that exist.
const TYPES = ["aws_launch_configuration", "aws_autoscaling_group", "aws_iam_role", "aws_thing"];
const NAMES = ["a", "b"];
const ATTRIBUTES = ["name", "image_id", "policy", "dimensions", "timeouts", "lifecycle"];

const reference = fc
  .tuple(
    fc.constantFrom("", "data."),
    fc.constantFrom(...TYPES),
    fc.constantFrom(...NAMES),
    fc.constantFrom(...ATTRIBUTES),
  )
  .map(([prefix, type, name, attribute]) => `pre-\${${prefix}${type}.${name}.${attribute}}`);

const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), reference),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...ATTRIBUTES), tie("value"), { maxKeys: 3 }),
  ),
}));

const config: fc.Arbitrary<BlockConfig> = fc.dictionary(fc.constantFrom(...ATTRIBUTES), value, {
  maxKeys: 4,
});
const blocks = fc.dictionary(
  fc.constantFrom(...TYPES),
  fc.dictionary(fc.constantFrom(...NAMES), config, { minKeys: 1, maxKeys: 2 }),
  { maxKeys: 3 },
);
const documentArbitrary: fc.Arbitrary<SynthesizedDocument> = fc.record(
  { resource: blocks, data: blocks },
  { requiredKeys: [] },
);

// Enough to find order and self-comparison bugs while keeping the suite near one second.
const RUNS = 50;

function isBlockOf(address: string, document: SynthesizedDocument): boolean {
  const [section, type, name] = address.startsWith("data.")
    ? ["data" as const, ...address.slice("data.".length).split(".")]
    : ["resource" as const, ...address.split(".")];
  return Object.hasOwn(document[section]?.[type] ?? {}, name);
}

/** The same document with the keys of every object in reverse order. */
function reverseKeys<T>(input: T): T {
  if (Array.isArray(input)) return input.map(reverseKeys) as T;
  if (typeof input !== "object" || input === null) return input;
  return Object.fromEntries(
    Object.entries(input)
      .reverse()
      .map(([key, item]) => [key, reverseKeys(item)]),
  ) as T;
}

describe("changeSet properties", () => {
  it("finds no change between a document and itself", () => {
    fc.assert(
      fc.property(documentArbitrary, (document) => {
        expect(changeSet(document, structuredClone(document))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("is sorted by address, lists each block once, and does not depend on key order", () => {
    fc.assert(
      fc.property(documentArbitrary, documentArbitrary, (before, after) => {
        const changes = changeSet(before, after);
        const addresses = changes.map((change) => change.address);
        expect(addresses).toEqual([...new Set(addresses)].sort());
        expect(
          addresses.every((address) => isBlockOf(address, before) || isBlockOf(address, after)),
        ).toBe(true);
        expect(changeSet(reverseKeys(before), reverseKeys(after))).toEqual(changes);
      }),
      { numRuns: RUNS },
    );
  });

  it("always reports a resource whose own attribute changed", () => {
    fc.assert(
      fc.property(
        documentArbitrary,
        fc.constantFrom(...TYPES),
        fc.constantFrom(...NAMES),
        (document, type, name) => {
          const before: SynthesizedDocument = {
            ...document,
            resource: { ...document.resource, [type]: { [name]: { image_id: "old" } } },
          };
          const after: SynthesizedDocument = {
            ...document,
            resource: { ...document.resource, [type]: { [name]: { image_id: "new" } } },
          };
          expect(changeSet(before, after)).toContainEqual(
            expect.objectContaining({
              address: `${type}.${name}`,
              reasons: expect.arrayContaining(["image_id changed"]),
            }),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
