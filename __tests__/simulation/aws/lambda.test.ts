import { virtualClock } from "../../../simulation/clock";
import { SimulatedLambda } from "../../../simulation/aws/lambda";

/** The simulated Lambda as the provider calls it for `reserved_concurrent_executions`. */
describe("SimulatedLambda reserved concurrency", () => {
  const call = (lambda: SimulatedLambda, method: string, path: string, params = {}) =>
    lambda.handle({
      operation: lambda.route(method, path),
      params,
      region: "us-east-1",
      method,
      path,
    });

  it("puts, reads (alone and in GetFunction) and deletes a function's reserved concurrency", () => {
    const lambda = new SimulatedLambda(virtualClock(Date.parse("2026-12-01T12:00:00Z")));
    call(lambda, "POST", "/2015-03-31/functions", {
      FunctionName: "AppsStaging-instance-drain",
      Code: { ZipFile: Buffer.from("zip").toString("base64") },
    });
    const concurrency = "/2017-10-31/functions/AppsStaging-instance-drain/concurrency";
    expect(call(lambda, "PUT", concurrency, { ReservedConcurrentExecutions: 20 })).toEqual({
      ReservedConcurrentExecutions: 20,
    });
    expect(
      call(lambda, "GET", "/2019-09-30/functions/AppsStaging-instance-drain/concurrency"),
    ).toEqual({ ReservedConcurrentExecutions: 20 });
    expect(call(lambda, "GET", "/2015-03-31/functions/AppsStaging-instance-drain")).toMatchObject({
      Concurrency: { ReservedConcurrentExecutions: 20 },
    });
    call(lambda, "DELETE", concurrency);
    expect(
      call(lambda, "GET", "/2015-03-31/functions/AppsStaging-instance-drain"),
    ).not.toHaveProperty("Concurrency");
  });
});
