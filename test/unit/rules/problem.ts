import { expect } from "vitest";
import { ApiError, ConfigError } from "../../../src/problems";

/** The error of class `type` that `run` throws; fails the test when it returns or throws something else. */
function thrownBy<E extends Error>(type: new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected ${type.name} to be thrown, nothing was`);
}

/** The ApiError `run` throws; fails the test when it returns or throws something else. */
export function problemOf(run: () => unknown): ApiError {
  return thrownBy(ApiError, run);
}

/** The ConfigError `run` throws. */
export function configErrorOf(run: () => unknown): ConfigError {
  return thrownBy(ConfigError, run);
}
