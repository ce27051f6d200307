import { seededRandom } from "../../simulation/seeded-random";

describe("seededRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it("stays in [0, 1) and spreads over it", () => {
    const next = seededRandom(1);
    const values = Array.from({ length: 10_000 }, next);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const below = values.filter((v) => v < 0.5).length;
    expect(below).toBeGreaterThan(4_700);
    expect(below).toBeLessThan(5_300);
  });
});
