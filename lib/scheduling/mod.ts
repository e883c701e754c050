/**
 * "Send at the right time": pure time logic for business hours, common slots and recommended send times.
 * Runs on the server (global Temporal) and in islands (import "temporal-polyfill/global" first).
 */
export * from "./business_hours.ts";
export * from "./slots.ts";
export * from "./recommend.ts";
export * from "./advice.ts";
export { temporal } from "./temporal.ts";
