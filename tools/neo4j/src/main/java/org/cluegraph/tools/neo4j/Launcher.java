package org.cluegraph.tools.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs the real Neo4j Community engine with a Bolt connector, for tests and development.
 * Usage: Launcher HOME PORT_FILE [PORT] [PAGECACHE_MB]. PORT 0 (default) lets the OS choose;
 * the port actually bound is written to PORT_FILE once Bolt listens. Auth is disabled.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        long pageCacheMb = args.length > 3 ? Long.parseLong(args[3]) : 512;

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Stop in about a second instead of waiting 2 x 5 s for idle Bolt threads.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                // A test and development server: keep only the transaction log recovery needs, not 2 days of it
                // (a million-relationship bench otherwise leaves gigabytes behind).
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Checkpoints flush at full speed: the default 600 IOPS throttle stretches each checkpoint of a
                // bulk load over many seconds of the one disk the load itself writes to.
                .setConfig(GraphDatabaseSettings.check_point_iops_limit, -1)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        HostnamePort bound = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, bound.getPort() + "\n");
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("neo4j-launcher: Bolt listening on " + bound);
        Thread.currentThread().join();
    }
}
