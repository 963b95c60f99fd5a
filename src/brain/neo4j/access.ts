/**
 * Sessions on the Brain's Neo4j: every write is one managed transaction (executeWrite), so transient
 * failures such as a server restart are retried by the driver, and failures become Cutroom errors.
 */
import type { Driver, ManagedTransaction } from "neo4j-driver";
import { CutroomError, isCutroomError } from "../../errors.js";
import { messageOf, unreachable } from "./connection.js";
import type { Row } from "./rows.js";

export class Neo4jAccess {
  constructor(
    private readonly driver: Driver,
    private readonly uri: string,
  ) {}

  async close(): Promise<void> {
    await this.driver.close();
  }

  async read(query: string, parameters: Row): Promise<Row[]> {
    try {
      const session = this.driver.session({ defaultAccessMode: "READ" });
      try {
        return await session.executeRead(async (tx) =>
          (await tx.run(query, parameters)).records.map((record) => record.toObject()),
        );
      } finally {
        await session.close();
      }
    } catch (error) {
      throw this.failure(error);
    }
  }

  async write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    try {
      const session = this.driver.session({ defaultAccessMode: "WRITE" });
      try {
        return await session.executeWrite(work);
      } finally {
        await session.close();
      }
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): CutroomError {
    if (isCutroomError(error)) return error;
    const code = (error as { code?: string }).code ?? "";
    if (code === "Neo.ClientError.Schema.ConstraintValidationFailed") {
      return new CutroomError(
        "BRAIN_VALIDATION",
        `the Brain refused a duplicate: ${messageOf(error)}; use the existing node`,
        {
          cause: error,
        },
      );
    }
    if (code === "ServiceUnavailable" || code === "SessionExpired" || code.includes("Security")) {
      return unreachable(this.uri, error);
    }
    return new CutroomError("STORAGE", `Neo4j at ${this.uri}: ${messageOf(error)}`, { cause: error });
  }
}
