package org.athar.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Athar's embedded single OpenSearch node.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* org.athar.node.AtharNode HOME HTTP_PORT TRANSPORT_PORT}.
 * HOME holds data/ and logs/; the node binds 127.0.0.1 only and stops cleanly on SIGTERM. Every HTTP request
 * must carry the credentials of {@link HttpAuthPlugin} (from the environment; the node does not start without).
 * Module plugins are loaded from the classpath (no plugins directory, no security manager).
 */
public final class AtharNode {

    /** Plugins wanted on the classpath; the first two (HTTP, and its authentication) are required. */
    private static final String[] PLUGIN_CLASSES = {
        "org.opensearch.transport.Netty4Plugin",
        "org.athar.node.HttpAuthPlugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.plugin.analysis.icu.AnalysisICUPlugin",
        "org.athar.node.IcuFoldingPlugin",
    };

    /** A Node that accepts plugins from the classpath (the constructor is protected). */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private AtharNode() {}

    @SuppressWarnings("unchecked")
    private static List<Class<? extends Plugin>> classpathPlugins() {
        List<Class<? extends Plugin>> found = new ArrayList<>();
        boolean icu = false;
        for (String name : PLUGIN_CLASSES) {
            if (name.endsWith("IcuFoldingPlugin") && icu) {
                continue; // the real analysis-icu plugin already registers icu_folding
            }
            try {
                found.add((Class<? extends Plugin>) Class.forName(name));
                if (name.endsWith("AnalysisICUPlugin")) {
                    icu = true;
                }
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                if (name.equals(PLUGIN_CLASSES[0]) || name.equals(PLUGIN_CLASSES[1])) {
                    throw new IllegalStateException("the required plugin " + name + " is not on the classpath; run make");
                }
                System.out.println("athar-node: optional plugin not on the classpath: " + name);
            }
        }
        return found;
    }

    /**
     * Settings that override the single-node defaults, from system properties {@code -Dathar.setting.KEY=VALUE}
     * (index/node.py sets cluster.name, node.name, discovery.type=zen, discovery.seed_hosts and
     * cluster.initial_cluster_manager_nodes for a node that forms or joins a cluster).
     */
    private static Map<String, String> clusterSettings() {
        Map<String, String> found = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(SETTING_PREFIX)) {
                found.put(name.substring(SETTING_PREFIX.length()), System.getProperty(name));
            }
        }
        return found;
    }

    private static final String SETTING_PREFIX = "athar.setting.";

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: AtharNode HOME HTTP_PORT TRANSPORT_PORT");
            System.exit(64);
        }
        Path home = Paths.get(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "athar")
            .put("node.name", "athar-node")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            // A single node on a shared disk: never turn indices read-only because the disk is full-ish.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", "-athar-*,+*")
            // OpenSearch's own messages (INFO and up) go to the console, which `athar node` writes to node.log.
            .put("logger.level", System.getProperty("athar.log.level", "INFO"))
            .build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("athar-node");
        LogConfigurator.configureWithoutConfig(settings);

        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, clusterSettings(), home.resolve("config"), () -> "athar-node");
        List<Class<? extends Plugin>> plugins = classpathPlugins();
        Node node = new EmbeddedNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("athar-node: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "athar-node-shutdown"));
        node.start();
        System.out.println("athar-node: started on http://127.0.0.1:" + args[1] + " with " + plugins.size() + " plugins");
        stopped.await();
    }
}
