// Runs Apache Solr 9 on an embedded Jetty for local development and tests.
//
// There is no Solr package in Debian and no Docker engine on the project's
// machines, so the Makefile resolves Solr's jars from Maven Central (pom.xml)
// and starts this file with `java -cp <jars> SolrLauncher.java`.
//
// Usage: SolrLauncher <solr-home> <port>
// The Solr home holds solr.xml and one folder per core; the cores use the
// configset in solr/configsets/ckan, the same files the Docker image uses.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class SolrLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrLauncher <solr-home> <port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("no solr.xml in " + home);
      System.exit(2);
    }
    int port = Integer.parseInt(args[1]);
    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext("/solr")
            .stopAtShutdown(true)
            .waitForLoadingCoresToFinish(120_000L)
            .build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), new Properties(), config);
    solr.start();
    System.out.println("Solr is ready at " + solr.getBaseUrl());
    Thread.currentThread().join();
  }
}
