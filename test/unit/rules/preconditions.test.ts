import { describe, expect, it } from "vitest";
import { etagOf, notModified, preconditionFailed, writeConditionOf } from "../../../src/rules/preconditions";
import { problemOf } from "./problem";

describe("etagOf", () => {
  it("quotes the version", () => {
    expect(etagOf(42)).toBe('"42"');
  });
});

describe("writeConditionOf", () => {
  it("is unconditional without precondition headers", () => {
    expect(writeConditionOf({}, true)).toEqual({ kind: "always" });
    expect(writeConditionOf({}, false)).toEqual({ kind: "always" });
  });

  it("reads If-Match as one entity tag of a version, spaces around it allowed", () => {
    expect(writeConditionOf({ "If-Match": '"7"' }, false)).toEqual({ kind: "version", version: 7 });
    expect(writeConditionOf({ "If-Match": ' "123456789012345" ' }, true)).toEqual({
      kind: "version",
      version: 123456789012345,
    });
  });

  it("refuses an If-Match that is not one strong tag of 1 to 15 digits", () => {
    for (const header of ['"1234567890123456"', "7", 'W/"7"', '"7", "8"', "*", '""', '"a"', 'x"7"', '"7"x']) {
      const error = problemOf(() => writeConditionOf({ "If-Match": header }, true));
      expect(error).toMatchObject({
        code: "invalid_precondition",
        detail: `If-Match must be one entity tag of the form "<version>" (as ETag gives it), got '${header}'`,
        extras: { header: "If-Match" },
      });
    }
  });

  it("reads If-None-Match: * as create-only on a PUT, and refuses any other use", () => {
    expect(writeConditionOf({ "If-None-Match": "*" }, true)).toEqual({ kind: "absent" });
    expect(writeConditionOf({ "If-None-Match": " * " }, true)).toEqual({ kind: "absent" });
    expect(problemOf(() => writeConditionOf({ "If-None-Match": '"3"' }, true))).toMatchObject({
      code: "invalid_precondition",
      detail: "If-None-Match on a write must be *",
      extras: { header: "If-None-Match" },
    });
    expect(problemOf(() => writeConditionOf({ "If-None-Match": "*" }, false))).toMatchObject({
      code: "invalid_precondition",
      detail: "If-None-Match is not supported on this method",
    });
  });

  it("refuses both headers at once", () => {
    const error = problemOf(() => writeConditionOf({ "If-Match": '"1"', "If-None-Match": "*" }, true));
    expect(error).toMatchObject({ code: "invalid_precondition", detail: "Send If-Match or If-None-Match, not both" });
  });
});

describe("notModified", () => {
  it("holds when a listed tag is the current version, weak or strong, or *", () => {
    expect(notModified('"5"', 5)).toBe(true);
    expect(notModified('W/"5"', 5)).toBe(true);
    expect(notModified("*", 5)).toBe(true);
    expect(notModified('"1", "5"', 5)).toBe(true);
    expect(notModified(' "4" ,"5" ', 5)).toBe(true);
  });

  it("does not hold for another version or without the header", () => {
    expect(notModified(undefined, 5)).toBe(false);
    expect(notModified('"4"', 5)).toBe(false);
    expect(notModified('"4", W/"6"', 5)).toBe(false);
    expect(notModified("5", 5)).toBe(false);
    expect(notModified('w/"5"', 5)).toBe(false);
    expect(notModified("", 5)).toBe(false);
  });
});

describe("preconditionFailed", () => {
  it("is a 412 naming the key", () => {
    expect(preconditionFailed("k")).toMatchObject({
      code: "precondition_failed",
      status: 412,
      detail:
        "The precondition on key 'k' does not hold (its version differs, or it does or does not exist); nothing was changed",
      extras: { key: "k" },
    });
  });
});
