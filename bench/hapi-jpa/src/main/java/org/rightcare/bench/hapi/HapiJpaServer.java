package org.rightcare.bench.hapi;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import ca.uhn.fhir.rest.server.RestfulServer;

/**
 * The reference FHIR server of the benchmark's comparison (issue 21): a HAPI FHIR JPA server (R4, PostgreSQL) in a
 * servlet container on 127.0.0.1, started and stopped by the harness like the hub. The Spring configuration is
 * {@link ReferenceServerConfig}; this class only reads the command line, starts Jetty with the configured
 * {@link RestfulServer} at {@code /fhir/*}, and stops both on SIGTERM.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' org.rightcare.bench.hapi.HapiJpaServer \
 *     --port 8090 --jdbc-url jdbc:postgresql://127.0.0.1:5432/hapi --username postgres --password postgres
 * </pre>
 */
public final class HapiJpaServer {

    /**
     * Request threads: Spring Boot's embedded Tomcat, which the public starter runs in, has at most 200; Jetty's
     * default is the same.
     */
    static final int MAX_THREADS = 200;

    private HapiJpaServer() {
    }

    public static void main(String[] args) {
        try {
            start(args);
        } catch (Throwable e) {
            // Spring's and Hikari's threads would keep a half-started server alive; the harness must see it exit.
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void start(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int port = Integer.parseInt(required(options, "--port"));
        System.setProperty(ReferenceServerConfig.JDBC_URL, required(options, "--jdbc-url"));
        System.setProperty(ReferenceServerConfig.JDBC_USERNAME, options.getOrDefault("--username", "postgres"));
        System.setProperty(ReferenceServerConfig.JDBC_PASSWORD, options.getOrDefault("--password", "postgres"));

        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(ReferenceServerConfig.class);
        RestfulServer fhir = spring.getBean(RestfulServer.class);

        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
        threads.setName("http");
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder servlet = new ServletHolder("fhir", fhir);
        // Initialise the RestfulServer (providers, capability statement) before the port answers, not on the
        // first request, so that "ready" means ready.
        servlet.setInitOrder(1);
        context.addServlet(servlet, "/fhir/*");
        jetty.setHandler(context);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                jetty.stop();
            } catch (Exception e) {
                System.err.println("could not stop Jetty: " + e);
            }
            spring.close();
        }, "shutdown"));
        jetty.start();
        System.out.println("HAPI FHIR JPA server ready at http://127.0.0.1:" + port + "/fhir");
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
