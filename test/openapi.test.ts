/** openapi.json is generated from schema/: it must match what the registered actions declare. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpenApi, openapiPath } from "../scripts/gen-openapi.js";
import { loadActions } from "../src/control/registry.js";

describe("openapi.json", () => {
  it("is up to date (run `npm run openapi` after changing schemas or actions)", async () => {
    const committed = JSON.parse(readFileSync(openapiPath, "utf8"));
    expect(committed).toEqual(await buildOpenApi());
  });

  it("documents every registered action with its required inputs", async () => {
    const doc = (await buildOpenApi()) as { paths: Record<string, { post: { requestBody: { content: { "application/json": { schema: { required?: string[] } } } } } }> };
    const actions = await loadActions();
    expect(Object.keys(doc.paths).sort()).toEqual([...actions.keys()].sort().map((n) => `/${n}`));
    expect(doc.paths["/CreateService"]!.post.requestBody.content["application/json"].schema.required).toEqual(["ServiceName", "Protocol"]);
  });
});
