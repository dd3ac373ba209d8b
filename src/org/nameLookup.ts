/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Look-ups by a name that comes from the user or the org (a permission set, a profile, a unit): a plain object would
 * answer for `constructor`, `valueOf` or `__proto__` from Object.prototype (issue 13: `--permission-sets constructor`
 * passed the org check). Records keyed by such names have no prototype, and reads check own properties.
 */

/** A record with no prototype, from entries. */
export function nameRecord<V>(entries: Iterable<readonly [string, V]> = []): Record<string, V> {
  const record = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/** record[name] when it is the record's own property, else undefined. */
export function ownValue<V>(record: Readonly<Record<string, V>>, name: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
