import { planChanges, type PlanResourceChange } from "../../../ops/change-guard/plan-changes";

const change = (
  address: string,
  actions: string[],
  extra: Omit<Partial<PlanResourceChange>, "change"> & {
    change?: Omit<PlanResourceChange["change"], "actions">;
  } = {},
): PlanResourceChange => ({
  address,
  mode: address.startsWith("data.") ? "data" : "managed",
  type: address.replace(/^data\./, "").split(".")[0],
  ...extra,
  change: { actions, before: {}, after: {}, ...extra.change },
});

describe("planChanges", () => {
  it("leaves out no-ops and names creates, deletes, taints and triggered replacements", () => {
    expect(
      planChanges({
        format_version: "1.2",
        resource_changes: [
          change("aws_sns_topic.same", ["no-op"]),
          change("aws_sns_topic.new", ["create"]),
          change("aws_sns_topic.gone", ["delete"]),
          change("aws_autoscaling_group.instances", ["create", "delete"], {
            action_reason: "replace_because_tainted",
          }),
          change("aws_launch_configuration.instances", ["create", "delete"], {
            action_reason: "replace_by_triggers",
          }),
        ],
      }),
    ).toEqual([
      { address: "aws_autoscaling_group.instances", action: "replace", reasons: ["tainted"] },
      {
        address: "aws_launch_configuration.instances",
        action: "replace",
        reasons: ["replace_triggered_by fired"],
      },
      { address: "aws_sns_topic.gone", action: "delete", reasons: ["deleted"] },
      { address: "aws_sns_topic.new", action: "create", reasons: ["created"] },
    ]);
  });

  it("says why a data source is read at apply and what uses it changes", () => {
    const entries = planChanges({
      format_version: "1.2",
      resource_changes: [
        change("data.aws_iam_policy_document.drain", ["read"], {
          action_reason: "read_because_dependency_pending",
        }),
        change("aws_iam_role_policy.drain", ["update"], {
          change: { before: { policy: "{}" }, after: {}, after_unknown: { policy: true } },
        }),
        change("aws_ecs_cluster.cluster", ["update"], {
          change: { before: { setting: [] }, after: { setting: [{ name: "containerInsights" }] } },
        }),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_iam_role_policy.drain",
              expressions: {
                policy: {
                  references: [
                    "data.aws_iam_policy_document.drain.json",
                    "data.aws_iam_policy_document.drain",
                  ],
                },
              },
            },
          ],
        },
      },
    });
    expect(entries.map((e) => [e.address, e.action, e.reasons])).toEqual([
      ["aws_ecs_cluster.cluster", "update", ["setting changed"]],
      [
        "aws_iam_role_policy.drain",
        "update",
        ["policy refers to re-read data.aws_iam_policy_document.drain"],
      ],
      [
        "data.aws_iam_policy_document.drain",
        "read",
        ["read during apply: a resource it refers to has changes pending"],
      ],
    ]);
  });

  it("keeps an import, also one that changes nothing else", () => {
    const entries = planChanges({
      format_version: "1.2",
      resource_changes: [
        change("aws_ecs_cluster.cluster", ["no-op"], {
          change: { importing: { id: "AppsStaging" } },
        }),
      ],
    });
    expect(entries).toEqual([
      {
        address: "aws_ecs_cluster.cluster",
        action: "import",
        reasons: ["imported (id AppsStaging)"],
        importId: "AppsStaging",
      },
    ]);
  });
});
