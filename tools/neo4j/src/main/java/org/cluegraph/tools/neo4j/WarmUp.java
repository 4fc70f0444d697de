package org.cluegraph.tools.neo4j;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.TransientFailureException;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.FileUtils;

/**
 * The server's warm-up at start: what a first load runs, done once on a generated sample in a scratch home
 * beside the database (deleted afterwards) while the DBMS already serves, so that a first load requested later
 * meets compiled code. In a freshly started JVM the importer starts interpreted (its own log, a million
 * relationships: the first 5% took 3.3 s, each further 5% 0.2 s) and so do the index builders of the
 * uniqueness constraints a first load creates after the import.
 *
 * <p>Steps: write the sample as CSV with the column types {@code graph/store/neo4j_import.py} writes (ids
 * given as record ids, local date-times as bare dates and with seconds, string arrays, longs, doubles, empty
 * fields), import it with the same options, start a DBMS on the scratch home (no Bolt, a small page cache) and
 * run what {@code ensure_constraints} runs after an import: its reads, a node and a relationship uniqueness
 * constraint on {@code id} built at once, a few on empty labels and types beside them (the Cypher planner and
 * the schema transactions are cold in a fresh JVM too).
 */
final class WarmUp {
    private static final String NODE_HEADER = ":ID,id:string,first_seen:localdatetime,last_seen:localdatetime,"
            + "_n:long,_t_name:string,name:string,sources:string[],confidence:double,method:string";
    private static final String EDGE_HEADER = ":START_ID,:END_ID,id:string,first_seen:localdatetime,"
            + "last_seen:localdatetime,_n:long,_key:string,sources:string[],confidence:double,method:string";
    /** The importer options of {@code importer_options()} in graph/store/neo4j_import.py (off-heap smaller). */
    private static final List<String> OPTIONS = List.of("--id-type=actual", "--array-delimiter=U+001F",
            "--bad-tolerance=0", "--skip-bad-relationships=false", "--max-off-heap-memory=512M",
            "--multiline-fields=false");
    private static final LocalDate DAY0 = LocalDate.of(2020, 1, 1);

    private WarmUp() {}

    /** Runs the warm-up for {@code home}'s database in {@code home}-warmup; returns the importer's exit code. */
    static int run(Path home, int nodes, int edges, Path log) throws Exception {
        Path scratch = home.resolveSibling(home.getFileName() + "-warmup");
        FileUtils.deleteDirectory(scratch);
        Files.createDirectories(scratch.resolve("conf"));
        Files.createFile(scratch.resolve("conf/neo4j.conf"));
        try {
            Path args = writeSample(scratch.resolve("input"), nodes, edges);
            int rc = Launcher.importFull(scratch, args, scratch.resolve("import.report"), log);
            if (rc == 0) {
                buildConstraints(scratch);
            }
            return rc;
        } finally {
            FileUtils.deleteDirectory(scratch);
        }
    }

    private static Path writeSample(Path dir, int nodes, int edges) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("nodes.header.csv"), NODE_HEADER + "\n");
        Files.writeString(dir.resolve("edges.header.csv"), EDGE_HEADER + "\n");
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("nodes.csv"), StandardCharsets.UTF_8)) {
            for (long i = 0; i < nodes; i++) {
                String t = time(i);
                out.write(i + ",Warm:" + hex(mix(i)) + "," + t + "," + t + "," + (mix(i) >>> 1) + ",NAME " + i
                        + ",Name " + i + ",warm.csv:" + i + provenance(i) + "\n");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("edges.csv"), StandardCharsets.UTF_8)) {
            for (long i = 0; i < edges; i++) {
                String t = time(i);
                long src = Long.remainderUnsigned(mix(i + 1_000_003), nodes);
                long dst = Long.remainderUnsigned(mix(i + 2_000_003), nodes);
                out.write(src + "," + dst + ",WARM:" + hex(mix(i + 7)) + "," + t + "," + t + "," + (mix(i + 7) >>> 1)
                        + "," + (i % 5 == 0 ? "k" + i : "") + ",warm.csv:" + i + provenance(i) + "\n");
            }
        }
        Path args = dir.resolve("warm-up.args");
        StringBuilder text = new StringBuilder();
        for (String option : OPTIONS) {
            text.append(option).append('\n');
        }
        text.append("--nodes=Warm=").append(dir.resolve("nodes.header.csv")).append(',')
                .append(dir.resolve("nodes.csv")).append('\n');
        text.append("--relationships=WARM=").append(dir.resolve("edges.header.csv")).append(',')
                .append(dir.resolve("edges.csv")).append('\n');
        Files.writeString(args, text.toString());
        return args;
    }

    /** Every fourth row a time with seconds, the others a bare date (as iso_sql writes them). */
    private static String time(long i) {
        String day = DAY0.plusDays(i % 1500).toString();
        if (i % 4 != 0) {
            return day;
        }
        long s = i % 86400;
        return String.format("%sT%02d:%02d:%02d", day, s / 3600, s / 60 % 60, s % 60);
    }

    private static String provenance(long i) {
        return i % 3 == 0 ? ",0.9,rule" : ",,";
    }

    private static String hex(long v) {
        String h = Long.toHexString(v >>> 2);
        return "0".repeat(16 - h.length()) + h;
    }

    /** splitmix64: a spread of the row number, for ids, numbers and endpoints. */
    private static long mix(long x) {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Starts a DBMS on the imported scratch home and builds both constraints at once, as a first load does. */
    private static void buildConstraints(Path scratch) throws Exception {
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(scratch)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .build();
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            // The reads ensure_constraints starts with, then its schema transactions: the populated constraints
            // on both sessions, then a few on empty labels and types, as after a first load.
            query(db, "SHOW RANGE INDEXES YIELD name, owningConstraint RETURN name, owningConstraint");
            query(db, "MATCH (x:`Warm`) RETURN count(x) AS c");
            query(db, "MATCH ()-[x:`WARM`]->() RETURN count(x) AS c");
            List<String> empty = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                empty.add("CREATE CONSTRAINT warm_node" + i + " IF NOT EXISTS FOR (x:`WarmEmpty" + i
                        + "`) REQUIRE x.id IS UNIQUE");
                empty.add("CREATE CONSTRAINT warm_rel" + i + " IF NOT EXISTS FOR ()-[x:`WARM_EMPTY" + i
                        + "`]-() REQUIRE x.id IS UNIQUE");
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Object>> built = pool.invokeAll(List.of(
                        () -> create(db, List.of(
                                "CREATE CONSTRAINT warm_rel IF NOT EXISTS FOR ()-[x:`WARM`]-() REQUIRE x.id IS UNIQUE")),
                        () -> create(db, List.of(
                                "CREATE CONSTRAINT warm_node IF NOT EXISTS FOR (x:`Warm`) REQUIRE x.id IS UNIQUE")),
                        () -> create(db, empty)));
                for (Future<Object> f : built) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            query(db, "CALL db.awaitIndexes(600)");
        } finally {
            dbms.shutdown();
        }
    }

    private static void query(GraphDatabaseService db, String cypher) {
        try (Transaction tx = db.beginTx()) {
            tx.execute(cypher).accept(row -> true);
            tx.commit();
        }
    }

    /** Constraints one transaction each, retried when the two builders deadlock on a schema lock (as
     * ensure_constraints retries them). */
    private static Object create(GraphDatabaseService db, List<String> constraints) throws InterruptedException {
        for (String cypher : constraints) {
            for (int attempt = 1; ; attempt++) {
                try (Transaction tx = db.beginTx()) {
                    tx.execute(cypher).close();
                    tx.commit();
                    break;
                } catch (TransientFailureException e) {
                    if (attempt == 20) {
                        throw e;
                    }
                }
                Thread.sleep(20L * attempt);
            }
        }
        return null;
    }
}
