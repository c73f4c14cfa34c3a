import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The cold-start baseline: a handler that does nothing but create the DynamoDB client. */
const client = new DynamoDBClient({});

export const handler = async () => client.config.region();
