import { monotonicFactory } from "ulid";

const next = monotonicFactory();

/** A new ULID: time-ordered, so KV lists by id are lists by creation time. */
export function newId(now = Date.now()): string {
  return next(now);
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(value: unknown): value is string {
  return typeof value === "string" && ULID.test(value);
}
