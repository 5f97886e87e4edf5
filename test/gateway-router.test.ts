/** The pure matcher (DATAPLANE §2.4) and backend path composition (§2.5). */
import { describe, expect, it } from "vitest";
import { BackendPathTemplate, joinPath } from "../src/gateway/backend-path.js";
import { parseApiPath, PrefixTree, RouteTable } from "../src/gateway/router.js";

function table(routes: Array<[path: string, method: string]>): RouteTable<string> {
  const t = new RouteTable<string>();
  for (const [path, method] of routes) expect(t.add(path, method, `${method} ${path}`)).toBe(true);
  return t;
}

describe("parseApiPath", () => {
  it("reads the match kind from the marker and the {param} segments", () => {
    expect(parseApiPath("=/user")).toEqual({ kind: "exact", path: "/user", paramNames: [] });
    expect(parseApiPath("^~/user")).toEqual({ kind: "priorityPrefix", path: "/user", paramNames: [] });
    expect(parseApiPath("/user/{id}/x/{n}")).toEqual({ kind: "template", path: "/user/{id}/x/{n}", paramNames: ["id", "n"] });
    expect(parseApiPath("/user")).toEqual({ kind: "prefix", path: "/user", paramNames: [] });
    // a brace inside a segment is not a parameter: the segment must be the whole {name}
    expect(parseApiPath("/a{b}").kind).toBe("prefix");
  });
});

describe("RouteTable priority (§2.4)", () => {
  const t = table([
    ["=/user", "GET"],
    ["^~/user/vip", "GET"],
    ["^~/user/vip/gold", "GET"],
    ["/user/{id}", "GET"],
    ["/user/{id}/orders/{orderId}", "GET"],
    ["/user/{id}/settings", "GET"],
    ["/user", "GET"],
    ["/user/list", "GET"],
    ["/", "GET"],
  ]);
  const match = (path: string, method = "GET") => t.match(path, method);

  it("an exact =/ path beats everything else", () => {
    expect(match("/user")).toMatchObject({ value: "GET =/user", kind: "exact", remainder: "" });
  });

  it("^~ priority prefixes beat templates, the longest wins", () => {
    expect(match("/user/vip")).toMatchObject({ value: "GET ^~/user/vip", remainder: "" });
    expect(match("/user/vip/1")).toMatchObject({ value: "GET ^~/user/vip", remainder: "/1" });
    expect(match("/user/vip/gold/1")).toMatchObject({ value: "GET ^~/user/vip/gold", remainder: "/1" });
    expect(match("/user/vipx")).toMatchObject({ value: "GET ^~/user/vip", remainder: "x" });
  });

  it("templates beat plain prefixes, even longer ones, and yield their parameters", () => {
    expect(match("/user/42")).toMatchObject({ value: "GET /user/{id}", kind: "template", pathParams: { id: "42" }, remainder: "" });
    expect(match("/user/list")).toMatchObject({ value: "GET /user/{id}", pathParams: { id: "list" } });
    expect(match("/user/42/orders/7")).toMatchObject({ value: "GET /user/{id}/orders/{orderId}", pathParams: { id: "42", orderId: "7" } });
  });

  it("the deepest template wins, a literal segment before a parameter, and a remainder passes through", () => {
    expect(match("/user/42/settings")).toMatchObject({ value: "GET /user/{id}/settings", pathParams: { id: "42" }, remainder: "" });
    expect(match("/user/42/other/x")).toMatchObject({ value: "GET /user/{id}", remainder: "/other/x" });
    expect(match("/user/42/")).toMatchObject({ value: "GET /user/{id}", remainder: "/" });
  });

  it("a {param} is one non-empty segment", () => {
    // "/user/" has an empty segment after /user: the template does not match, the prefix /user does.
    expect(match("/user/")).toMatchObject({ value: "GET /user", kind: "prefix", remainder: "/" });
  });

  it("plain prefixes are string prefixes, not segment aligned, the longest wins", () => {
    expect(match("/usertest")).toMatchObject({ value: "GET /user", kind: "prefix", remainder: "test" });
    expect(match("/users")).toMatchObject({ value: "GET /user", remainder: "s" });
    expect(match("/other/path")).toMatchObject({ value: "GET /", remainder: "other/path" });
  });

  it("only APIs of the request's method (or ANY) take part", () => {
    expect(match("/user", "POST")).toBeUndefined();
  });
});

describe("RouteTable methods", () => {
  it("an exact method beats ANY at the same path; ANY answers the rest", () => {
    const t = table([
      ["/m", "ANY"],
      ["/m", "GET"],
    ]);
    expect(t.match("/m", "GET")?.value).toBe("GET /m");
    expect(t.match("/m", "DELETE")?.value).toBe("ANY /m");
  });

  it("a higher tier for another method does not hide a lower tier for this one", () => {
    const t = table([
      ["=/x", "POST"],
      ["/x", "GET"],
    ]);
    expect(t.match("/x", "GET")?.value).toBe("GET /x");
    expect(t.match("/x", "POST")?.value).toBe("POST =/x");
  });

  it("a longer prefix without the method does not hide a shorter one with it", () => {
    const t = table([
      ["/a", "GET"],
      ["/a/b", "POST"],
    ]);
    expect(t.match("/a/b/c", "GET")).toMatchObject({ value: "GET /a", remainder: "/b/c" });
  });

  it("refuses a second API with the same path and method", () => {
    const t = table([["/dup", "GET"]]);
    expect(t.add("/dup", "GET", "again")).toBe(false);
    expect(t.add("/dup", "POST", "post")).toBe(true);
    expect(t.add("=/e", "ANY", "e")).toBe(true);
    expect(t.add("=/e", "ANY", "e2")).toBe(false);
  });

  it("templates that name the same position differently keep their own names", () => {
    const t = table([
      ["/u/{id}", "GET"],
      ["/u/{uid}/x", "GET"],
    ]);
    expect(t.match("/u/1", "GET")?.pathParams).toEqual({ id: "1" });
    expect(t.match("/u/1/x", "GET")?.pathParams).toEqual({ uid: "1" });
  });
});

describe("PrefixTree", () => {
  it("agrees with a brute-force longest-prefix search", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const word = (n: number) => Array.from({ length: 1 + Math.floor(random() * n) }, () => "ab/c"[Math.floor(random() * 4)]).join("");
    const prefixes = [...new Set(Array.from({ length: 300 }, () => "/" + word(8)))];
    const tree = new PrefixTree<string>();
    for (const p of prefixes) tree.add(p, "GET", p);
    for (let i = 0; i < 2000; i++) {
      const path = "/" + word(12);
      const expected = prefixes.filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
      const got = tree.longest(path, "GET");
      expect(got?.value).toBe(expected);
      if (got) expect(got.length).toBe(expected!.length);
    }
  });
});

describe("RouteTable at scale", () => {
  it("routes among 10,000 APIs of every kind", () => {
    const t = new RouteTable<string>();
    for (let i = 0; i < 2500; i++) {
      t.add(`=/exact/${i}`, "GET", `exact ${i}`);
      t.add(`^~/vip/${i}/`, "GET", `vip ${i}`);
      t.add(`/tpl/${i}/{id}`, "GET", `tpl ${i}`);
      t.add(`/prefix/${i}`, "GET", `prefix ${i}`);
    }
    expect(t.match("/exact/1234", "GET")?.value).toBe("exact 1234");
    expect(t.match("/vip/77/a/b", "GET")).toMatchObject({ value: "vip 77", remainder: "a/b" });
    expect(t.match("/tpl/2499/abc", "GET")).toMatchObject({ value: "tpl 2499", pathParams: { id: "abc" } });
    // string prefixes: /prefix/1234 is the longest of /prefix/1, /prefix/12, /prefix/123, /prefix/1234
    expect(t.match("/prefix/1234x", "GET")).toMatchObject({ value: "prefix 1234", remainder: "x" });
    expect(t.match("/nothing", "GET")).toBeUndefined();
  });
});

describe("backend path composition (§2.5)", () => {
  it("joins backend path and the unmatched remainder with exactly one /", () => {
    // The table of §2.5: frontend, backend, request → pass-through path.
    const rows: Array<[frontend: string, backend: string, request: string, expected: string]> = [
      ["/", "/", "/a/b", "/a/b"],
      ["/a", "/b", "/a/b", "/b/b"],
      ["/a", "/", "/a/b", "/b"],
      ["/a", "/b", "/a/c", "/b/c"],
      ["/apia/", "/endpoint/", "/apia/20171012/index.html", "/endpoint/20171012/index.html"],
    ];
    for (const [frontend, backend, request, expected] of rows) {
      const match = table([[frontend, "GET"]]).match(request, "GET")!;
      expect(joinPath(backend, match.remainder), `${frontend} ${backend} ${request}`).toBe(expected);
    }
    expect(joinPath("/b", "")).toBe("/b");
    expect(joinPath("/b", "/")).toBe("/b/");
  });

  it("fills {name} placeholders", () => {
    const t = BackendPathTemplate.compile("/pets/{petid}/toys/{toy}");
    expect(t.placeholders).toEqual(["petid", "toy"]);
    expect(t.render({ petid: "7", toy: "ball" })).toBe("/pets/7/toys/ball");
    expect(BackendPathTemplate.compile("/static").render({})).toBe("/static");
  });
});
