/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/** Width a table keeps to when stdout is not a terminal (CI logs, pipes, files). */
export const READABLE_WIDTH = 100;

/**
 * Options for sf-plugins-core's `this.table` (oclif table) that keep a table readable at 100 columns: long cells
 * (paths, reasons) wrap instead of being cut off. In a terminal the table already fits the terminal's width; without
 * one (stdout.columns unset) oclif table uses the table's natural width, which for long paths and reasons is
 * 150-200 columns, so there it gets READABLE_WIDTH. `OCLIF_TABLE_COLUMN_OVERRIDE` and `SF_TABLE_OVERFLOW` still apply.
 */
export function readableTable(columns: number | undefined = process.stdout.columns): {
  overflow: 'wrap';
  maxWidth?: number;
} {
  return columns ? { overflow: 'wrap' } : { overflow: 'wrap', maxWidth: READABLE_WIDTH };
}
