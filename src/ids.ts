/** Resource ids as the cloud shapes them: a prefix and 8 characters of [0-9a-z]. */
import { customAlphabet } from "nanoid";
import { randomUUID } from "node:crypto";

const suffix = customAlphabet("0123456789abcdefghijklmnopqrstuvwxyz", 8);

export const newId = {
  service: () => `service-${suffix()}`,
  api: () => `api-${suffix()}`,
  usagePlan: () => `usagePlan-${suffix()}`,
  app: () => `app-${suffix()}`,
  ipStrategy: () => `IPStrategy-${suffix()}`,
  plugin: () => `plugin-${suffix()}`,
  apiDoc: () => `apidoc-${suffix()}`,
  requestId: () => randomUUID(),
};

/** A release version: yyyyMMddHHmmss of the release time (UTC) followed by a uuid. */
export function releaseVersion(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${stamp}${randomUUID().replace(/-/g, "")}`;
}
