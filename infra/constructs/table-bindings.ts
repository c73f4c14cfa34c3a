import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { TableId } from '#adapters/dynamo/tables.ts';
import type { TableBinding } from './contactpoint-function.ts';

/** Each table with the key that encrypts it: the audit tables under the audit key, the rest under the data key. */
export function tableBindings(
  tables: Record<TableId, ITable>,
  keys: { dataKey: IKey; auditKey: IKey },
): Record<TableId, TableBinding> {
  return Object.fromEntries(
    (Object.keys(tables) as TableId[]).map((t) => [
      t,
      { table: tables[t], key: t.startsWith('audit') ? keys.auditKey : keys.dataKey },
    ]),
  ) as Record<TableId, TableBinding>;
}
