package dev.cutroom.services;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * A Neo4j Community server speaking Bolt on 127.0.0.1, for machines without Docker.
 * Arguments: home directory, Bolt port, password of the "neo4j" user.
 * The home directory keeps the store, so a restart on the same directory finds the same graph.
 * Prints "READY" on stdout once Bolt accepts connections with the password.
 */
public final class Neo4jServer {
  private Neo4jServer() {}

  public static void main(String[] arguments) throws Exception {
    if (arguments.length != 3) {
      System.err.println("usage: Neo4jServer <home-dir> <bolt-port> <password>");
      System.exit(2);
    }
    Path home = Path.of(arguments[0]).toAbsolutePath();
    int port = Integer.parseInt(arguments[1]);
    String password = arguments[2];
    Files.createDirectories(home);

    DatabaseManagementService service =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
            // Only Bolt is needed; the HTTP connectors would take more ports.
            .setConfig(HttpConnector.enabled, false)
            .setConfig(HttpsConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            // Small heap-friendly defaults for a 2-core test machine.
            .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(2))
            .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.shutdown();
                  stopped.countDown();
                }));

    try {
      // The built-in user starts with password "neo4j" and a forced change: set the wanted one on the first
      // start only (a restart on the same store already has it, and Neo4j refuses setting it again).
      var system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
      boolean changeRequired =
          system.executeTransactionally(
              "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' RETURN passwordChangeRequired",
              Map.of(),
              result -> result.hasNext() && Boolean.TRUE.equals(result.next().get("passwordChangeRequired")));
      if (changeRequired) {
        system.executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
      }
    } catch (RuntimeException error) {
      error.printStackTrace();
      System.exit(1);
    }

    System.out.println("READY bolt://127.0.0.1:" + port);
    System.out.flush();
    stopped.await();
  }
}
