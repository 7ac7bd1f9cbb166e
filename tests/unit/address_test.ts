/**
 * Addresses: parsing `HOST[:PORT]` (IPv6 in brackets), loopback and wildcard
 * classes, and the rules for the address a governor registers.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  advertisedAddressProblem,
  formatAddress,
  isLoopback,
  isWildcard,
  parseAddress,
} from "../../common/address.ts";
import { planAddresses } from "../../governor/address.ts";

Deno.test("parseAddress reads HOST[:PORT] and bracketed IPv6, and rejects the rest", () => {
  assert.deepEqual(parseAddress("node1", 7210), { hostname: "node1", port: 7210 });
  assert.deepEqual(parseAddress("node1:80", 7210), { hostname: "node1", port: 80 });
  assert.deepEqual(parseAddress("10.0.0.1:0", 7210), { hostname: "10.0.0.1", port: 0 });
  assert.deepEqual(parseAddress("[fd00::1]:80", 7210), { hostname: "fd00::1", port: 80 });
  assert.deepEqual(parseAddress("fd00::1", 7210), { hostname: "fd00::1", port: 7210 });
  for (
    const [bad, why] of [
      [":80", /no host/],
      ["a:", /port "" is not a number/],
      ["a:65536", /port "65536"/],
      ["a:b", /port "b"/],
      ["a b:1", /expected HOST\[:PORT\]/],
      ["[::1", /expected HOST\[:PORT\]/],
    ] as const
  ) {
    assert.throws(() => parseAddress(bad, 1), why, bad);
  }
});

Deno.test("formatAddress brackets IPv6 hosts", () => {
  assert.equal(formatAddress("fd00::2", 7210), "[fd00::2]:7210");
  assert.equal(formatAddress("node1", 7210), "node1:7210");
});

Deno.test("loopback and wildcard addresses are told apart from the rest", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"]) {
    assert.ok(isLoopback(h), h);
  }
  for (const h of ["10.0.0.1", "node1", "fd00::1", "0.0.0.0"]) assert.ok(!isLoopback(h), h);
  for (const h of ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]) assert.ok(isWildcard(h), h);
  for (const h of ["10.0.0.0", "::1", "node0"]) assert.ok(!isWildcard(h), h);
});

Deno.test("an advertised address must be usable by others", () => {
  assert.equal(advertisedAddressProblem("10.0.0.2:4000", "10.0.0.2"), null);
  assert.equal(advertisedAddressProblem("127.0.0.1:4000", "127.0.0.1"), null);
  assert.equal(advertisedAddressProblem("127.0.0.1:4000", "unknown"), null);
  assert.match(advertisedAddressProblem("127.0.0.1:4000", "10.0.0.2")!, /loopback/);
  assert.match(advertisedAddressProblem("0.0.0.0:4000", "10.0.0.2")!, /wildcard/);
  assert.match(advertisedAddressProblem("node:0", "10.0.0.2")!, /no port/);
  assert.match(advertisedAddressProblem("node", "10.0.0.2")!, /no port/);
});

Deno.test("planAddresses binds and registers the interface towards the server by default", () => {
  const plan = planAddresses({}, "10.0.0.2");
  assert.deepEqual(plan.bind, { hostname: "10.0.0.2", port: 0 });
  assert.equal(plan.advertised(4100), "10.0.0.2:4100");
  const local = planAddresses({}, "127.0.0.1");
  assert.equal(local.advertised(4100), "127.0.0.1:4100");
  const all = planAddresses({ listen: { hostname: "0.0.0.0" } }, "10.0.0.2");
  assert.deepEqual(all.bind, { hostname: "0.0.0.0", port: 0 });
  assert.equal(all.advertised(4100), "10.0.0.2:4100");
  const given = planAddresses({ advertise: "gw.example.org:9000" }, "10.0.0.2");
  assert.deepEqual(given.bind, { hostname: "10.0.0.2", port: 9000 });
  assert.equal(given.advertised(9000), "gw.example.org:9000");
  const nat = planAddresses({ advertise: "gw", listen: { port: 5000 } }, "10.0.0.2");
  assert.equal(nat.advertised(5000), "gw:5000");
  assert.throws(
    () => planAddresses({ listen: { hostname: "127.0.0.1" } }, "10.0.0.2"),
    /Cannot register the governor as "127\.0\.0\.1": a loopback address.*give --advertise/,
  );
  assert.throws(() => planAddresses({ advertise: "127.0.0.1:5" }, "10.0.0.2"), /loopback/);
});
