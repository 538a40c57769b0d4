/*
 * Tiny launcher used by scripts/servers/neo4j.sh: runs a Neo4j 5 community DBMS embedded in this
 * JVM and exposes it over Bolt, so clients (the Python driver) use it exactly like a server.
 *
 * Configuration comes from system properties set by the script:
 *   govkg.home      DBMS home directory (data/, logs/ are created below it)      (required)
 *   govkg.host      Bolt listen host                                               (127.0.0.1)
 *   govkg.port      Bolt listen port                                               (7687)
 *   govkg.pagecache page cache size in MiB                                         (256)
 *   govkg.ready     file written once the DBMS is up and the password is set      (optional)
 * and the password from the environment variable NEO4J_PASSWORD (never from argv, so it does
 * not show up in `ps`).
 *
 * Auth is enabled. At start the built-in user `neo4j` gets the password NEO4J_PASSWORD with
 * "change not required" (skipped when it is the password this launcher set last time), so the
 * password follows the environment and a wrong one is rejected.
 * A SIGTERM (scripts/servers/neo4j.sh stop) shuts the DBMS down cleanly via a shutdown hook.
 */

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public final class GovkgNeo4j {
    private GovkgNeo4j() {}

    public static void main(String[] args) throws Exception {
        String homeProp = System.getProperty("govkg.home");
        if (homeProp == null || homeProp.isEmpty()) {
            System.err.println("GovkgNeo4j: system property govkg.home is required");
            System.exit(2);
        }
        Path home = Path.of(homeProp).toAbsolutePath();
        String host = System.getProperty("govkg.host", "127.0.0.1");
        int port = Integer.parseInt(System.getProperty("govkg.port", "7687"));
        long pageCacheMiB = Long.parseLong(System.getProperty("govkg.pagecache", "256"));
        String readyFile = System.getProperty("govkg.ready", "");
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("GovkgNeo4j: environment variable NEO4J_PASSWORD is required");
            System.exit(2);
        }

        Files.createDirectories(home);
        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMiB * 1024L * 1024L)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Netty's default 5 s quiet period (boss + worker groups) makes `stop` take 10 s.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        long upMs = (System.nanoTime() - t0) / 1_000_000L;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("GovkgNeo4j: shutting down");
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "govkg-neo4j-shutdown"));

        setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), home, password);
        long pwMs = (System.nanoTime() - t0) / 1_000_000L;
        // Make sure the default database is online before announcing readiness.
        if (!dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(60_000)) {
            System.err.println("GovkgNeo4j: database neo4j did not become available within 60 s");
            System.exit(1);
        }

        long ms = (System.nanoTime() - t0) / 1_000_000L;
        String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
        System.out.println("GovkgNeo4j: READY neo4j " + version + " bolt://" + host + ":" + port
                + " home=" + home + " (DBMS up in " + upMs + " ms, password set at " + pwMs + " ms, ready in " + ms + " ms)");
        if (!readyFile.isEmpty()) {
            Files.writeString(Path.of(readyFile), "bolt://" + host + ":" + port + "\n");
        }
        stopped.await();
    }

    /**
     * Gives user neo4j the password, unless this launcher already set exactly this password (a salted
     * SHA-256 stamp in the home directory records the last one). Skipping the ALTER USER saves the
     * first Cypher compilation on the system database, seconds of every warm start on a small machine.
     */
    private static void setPassword(GraphDatabaseService system, Path home, String password)
            throws Exception {
        Path stamp = home.resolve("govkg-password.sha256");
        if (Files.isRegularFile(stamp)) {
            String[] parts = Files.readString(stamp).trim().split(":");
            if (parts.length == 2 && parts[1].equals(digest(parts[0], password))) {
                return;
            }
        }
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Re-setting the current password is refused; that is the steady state, not an error.
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
        byte[] saltBytes = new byte[16];
        new SecureRandom().nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        Path tmp = home.resolve("govkg-password.sha256.tmp");
        Files.writeString(tmp, salt + ":" + digest(salt, password) + "\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, stamp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String digest(String salt, String password) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(salt.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) ':');
        sha.update(password.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }
}
