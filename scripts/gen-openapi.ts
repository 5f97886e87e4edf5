/**
 * Generates openapi.json from schema/ for every registered action (`npm run openapi`).
 *
 * Convention for the single-endpoint RPC shape: every action is one operation whose
 * operationId is the action name, under the pseudo-path `/{Action}` (e.g. `/CreateService`).
 * On the wire every call is `POST /` with the header `X-TC-Action: <operationId>`, the
 * `X-TC-Version: 2018-08-08` and `X-TC-Region` headers and a TC3-HMAC-SHA256 Authorization
 * header; the `x-apigw-rpc` extension says so for generators that can rewrite the path.
 * Responses are always HTTP 200 with a `Response` envelope: the documented output plus
 * RequestId, or `Error {Code, Message}` plus RequestId.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadActions } from "../src/control/registry.js";
import { responses, type DocumentedAction } from "../schema/generated.js";

export async function buildOpenApi(): Promise<Record<string, unknown>> {
  const actions = await loadActions();
  const jsonSchema = (s: z.ZodType) => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    return rest;
  };
  const errorEnvelope = {
    type: "object",
    required: ["Response"],
    properties: {
      Response: {
        type: "object",
        required: ["Error", "RequestId"],
        properties: {
          Error: { type: "object", required: ["Code", "Message"], properties: { Code: { type: "string" }, Message: { type: "string" } } },
          RequestId: { type: "string", format: "uuid" },
        },
      },
    },
  };
  const paths: Record<string, unknown> = {};
  for (const name of [...actions.keys()].sort()) {
    const action = actions.get(name)!;
    const output = jsonSchema(responses[name as DocumentedAction] ?? z.object({})) as { properties?: Record<string, unknown> };
    paths[`/${name}`] = {
      post: {
        operationId: name,
        tags: ["apigateway"],
        "x-apigw-rpc": { method: "POST", path: "/", headers: { "X-TC-Action": name, "X-TC-Version": "2018-08-08" } },
        requestBody: { required: true, content: { "application/json": { schema: jsonSchema(action.input) } } },
        responses: {
          "200": {
            description: `${name} answer: the documented output, or an error, in the Response envelope`,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    {
                      type: "object",
                      required: ["Response"],
                      properties: {
                        Response: {
                          type: "object",
                          required: ["RequestId"],
                          properties: { ...(output.properties ?? {}), RequestId: { type: "string", format: "uuid" } },
                        },
                      },
                    },
                    errorEnvelope,
                  ],
                },
              },
            },
          },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "apigw control API (API gateway 2018-08-08)",
      version: "2018-08-08",
      description:
        "Single-endpoint RPC: each operation is sent as POST / with X-TC-Action set to its operationId (see x-apigw-rpc), signed with TC3-HMAC-SHA256. Paths here are /{Action} pseudo-paths.",
    },
    servers: [{ url: "http://127.0.0.1:9000" }],
    components: {
      securitySchemes: {
        tc3: { type: "apiKey", in: "header", name: "Authorization", description: "TC3-HMAC-SHA256 signature (see README)" },
      },
    },
    security: [{ tc3: [] }],
    paths,
  };
}

export const openapiPath = fileURLToPath(new URL("../openapi.json", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = await buildOpenApi();
  writeFileSync(openapiPath, JSON.stringify(doc, null, 2) + "\n");
  console.log(`openapi.json: ${Object.keys(doc.paths as object).length} actions`);
}
