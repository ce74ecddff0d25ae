import { expect } from "vitest";
import { ApiError, ConfigError } from "../../../src/problems";

/** The ApiError `run` throws; fails the test when it returns or throws something else. */
export function problemOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected an ApiError, nothing was thrown");
}

/** The ConfigError `run` throws. */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}
