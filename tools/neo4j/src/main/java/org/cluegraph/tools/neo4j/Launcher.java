package org.cluegraph.tools.neo4j;

import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
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
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.io.fs.FileUtils;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs the real Neo4j Community engine with a Bolt connector, for tests and development.
 * Usage: Launcher HOME PORT_FILE [PORT] [PAGECACHE_MB] [CONTROL_FIFO]. PORT 0 (default) lets the OS choose;
 * the port actually bound is written to PORT_FILE once Bolt listens. Auth is disabled.
 *
 * <p>CONTROL_FIFO (optional, a named pipe neo4j.sh creates) takes one command a line:
 * {@code import<TAB>ARGS_FILE<TAB>REPLY_FILE} shuts the DBMS down, runs {@code neo4j-admin database import full
 * --overwrite-destination=true neo4j @ARGS_FILE} in this JVM (no second JVM to start and warm up) and starts
 * the DBMS again on the same Bolt port (on an empty database when the import failed); then writes the importer's exit code to REPLY_FILE (0 = imported).
 * {@code empty<TAB>REPLY_FILE} shuts the DBMS down, deletes the database and its transaction logs and starts the
 * DBMS again on an empty database: seconds where deleting a million relationships by Cypher takes minutes, and
 * the JVM (its JIT-compiled code) is kept, so repeated first loads in a bench are all measured on a warm server.
 * Commands run one after the other.
 *
 * <p>Once Bolt listens, a thread runs the warm-up ({@link WarmUp}: a generated sample imported into a scratch
 * home beside HOME and its constraints built, while the DBMS serves), so that a first load requested later
 * meets compiled code; its exit code and time go to {@code warmup.reply} beside PORT_FILE. An import or
 * empty command sent meanwhile waits for it.
 */
public final class Launcher {
    private static final AtomicReference<DatabaseManagementService> DBMS = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        long pageCacheMb = args.length > 3 ? Long.parseLong(args[3]) : 512;
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "neo4j-shutdown"));
        int bound = start(home, port, pageCacheMb);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, bound + "\n");
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("neo4j-launcher: Bolt listening on 127.0.0.1:" + bound);
        if (args.length > 4) {
            serve(Path.of(args[4]), home, bound, pageCacheMb);
        }
        warmUpInBackground(home, portFile.resolveSibling("warmup.reply"));
        Thread.currentThread().join();
    }

    /** Starts the DBMS and returns the Bolt port it listens on. */
    private static int start(Path home, int port, long pageCacheMb) {
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
        DBMS.set(dbms);
        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        HostnamePort bound = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        return bound.getPort();
    }

    private static synchronized void shutdown() {
        DatabaseManagementService dbms = DBMS.getAndSet(null);
        if (dbms != null) {
            dbms.shutdown();
        }
    }

    /** Reads commands from the control pipe, one line each, until the JVM exits. */
    private static void serve(Path fifo, Path home, int port, long pageCacheMb) throws Exception {
        Thread worker = new Thread(() -> {
            while (true) {
                try (BufferedReader in = Files.newBufferedReader(fifo, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        String[] cmd = line.split("\t");
                        if (cmd.length == 3 && cmd[0].equals("import")) {
                            importFiles(home, port, pageCacheMb, Path.of(cmd[1]), Path.of(cmd[2]));
                        } else if (cmd.length == 2 && cmd[0].equals("empty")) {
                            empty(home, port, pageCacheMb, Path.of(cmd[1]));
                        } else if (!line.isBlank()) {
                            System.err.println("neo4j-launcher: unknown command: " + line);
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    return;
                }
            }
        }, "cluegraph-control");
        worker.setDaemon(true);
        worker.start();
    }

    private static synchronized void importFiles(Path home, int port, long pageCacheMb, Path argsFile, Path reply)
            throws Exception {
        long t0 = System.nanoTime();
        shutdown();
        long t1 = System.nanoTime();
        int rc = importFull(home, argsFile, reply.resolveSibling("import.report"), reply.resolveSibling("import.log"));
        if (rc != 0) {  // the importer leaves a half-written store behind: start on an empty database instead
            deleteDatabase(home);
        }
        long t2 = System.nanoTime();
        start(home, port, pageCacheMb);
        long t3 = System.nanoTime();
        String timings = String.format("stop %.1f s, import %.1f s, start %.1f s",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        System.out.println("neo4j-launcher: import exit " + rc + ": " + timings);
        reply(reply, rc + " " + timings);
    }

    /** Starts the warm-up ({@link WarmUp}) on a thread of its own; its exit code and time go to {@code reply}.
     * Sizes from the system property {@code cluegraph.warmup} ("NODES,EDGES"; "0" for none). */
    private static void warmUpInBackground(Path home, Path reply) throws Exception {
        Files.deleteIfExists(reply);
        String[] sizes = System.getProperty("cluegraph.warmup", "100000,500000").split(",");
        if (sizes.length != 2) {
            reply(reply, "0 no warm-up");
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                warmUp(home, Integer.parseInt(sizes[0].strip()), Integer.parseInt(sizes[1].strip()), reply);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "cluegraph-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static synchronized void warmUp(Path home, int nodes, int edges, Path reply) throws Exception {
        long t0 = System.nanoTime();
        int rc = 70;
        try {
            rc = WarmUp.run(home, nodes, edges, reply.resolveSibling("warmup.log"));
        } finally {
            String timing = String.format("warm-up (%d nodes, %d relationships: import, constraints) exit %d in %.1f s",
                    nodes, edges, rc, (System.nanoTime() - t0) / 1e9);
            System.out.println("neo4j-launcher: " + timing);
            reply(reply, rc + " " + timing);
        }
    }

    private static synchronized void empty(Path home, int port, long pageCacheMb, Path reply) throws Exception {
        long t0 = System.nanoTime();
        shutdown();
        deleteDatabase(home);
        start(home, port, pageCacheMb);
        String timing = String.format("emptied in %.1f s", (System.nanoTime() - t0) / 1e9);
        System.out.println("neo4j-launcher: " + timing);
        reply(reply, "0 " + timing);
    }

    /** neo4j-admin database import full into the database "neo4j" of {@code home}, its output to {@code log}:
     * the importer's exit code (70 when it threw). */
    static int importFull(Path home, Path argsFile, Path report, Path log) throws Exception {
        try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            ExecutionContext ctx = new ExecutionContext(
                    home, home.resolve("conf"), out, out, new DefaultFileSystemAbstraction());
            try {
                return AdminTool.execute(ctx, "database", "import", "full", "--overwrite-destination=true",
                        "--report-file=" + report, "neo4j", "@" + argsFile);
            } catch (RuntimeException e) {
                e.printStackTrace(out);
                return 70;
            }
        }
    }

    private static void deleteDatabase(Path home) throws Exception {
        FileUtils.deleteDirectory(home.resolve("data/databases/neo4j"));
        FileUtils.deleteDirectory(home.resolve("data/transactions/neo4j"));
    }

    private static void reply(Path reply, String text) throws Exception {
        Path tmp = reply.resolveSibling(reply.getFileName() + ".tmp");
        Files.writeString(tmp, text + "\n");
        Files.move(tmp, reply, StandardCopyOption.ATOMIC_MOVE);
    }
}
