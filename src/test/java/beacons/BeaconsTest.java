package beacons;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The service's unit tests, plain Java: exits 1 when one fails, so a failing test fails the test container. */
public final class BeaconsTest {
    private static int passed;
    private static int failed;

    public static void main(String[] args) throws Exception {
        check("beacons of a site", () -> equal(2, BeaconsService.sample().bySite("1").size()));
        check("beacons of every site", () -> equal(3, BeaconsService.sample().bySite(null).size()));
        check("locate by label", () -> equal("2", BeaconsService.sample().locate("1", List.of("TestBeacon2")).id()));
        check("locate finds nothing for an unknown label", () -> equal(null, BeaconsService.sample().locate("1", List.of("none"))));
        check("json of a list", () -> equal("{\"data\":[],\"total\":0}", Beacons.toJson(List.of())));
        check("http: heartbeat and get_beacons", BeaconsTest::http);
        check("csv as the store serves it", () -> equal(2, Beacons.fromCsv("1,a,L1,0,0\n2,a,L2,1,1\nbroken\n").bySite("a").size()));
        String store = System.getenv("BEACONS_URL");
        if (store != null) {
            check("loads the beacons from the store at " + store, () -> equal(4, BeaconsService.load(store, 30_000).bySite(null).size()));
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void http() throws Exception {
        HttpServer server = BeaconsService.start(0, BeaconsService.sample());
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> heartbeat = client.send(HttpRequest.newBuilder(URI.create(base + "/heartbeat")).build(),
                    HttpResponse.BodyHandlers.ofString());
            equal(200, heartbeat.statusCode());
            HttpResponse<String> beacons = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/beacons/get_beacons"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"filter\":{\"site_id\":\"2\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            equal(200, beacons.statusCode());
            equal(true, beacons.body().contains("\"total\":1"));
        } finally {
            server.stop(0);
        }
    }

    interface Check {
        void run() throws Exception;
    }

    private static void check(String name, Check check) {
        try {
            check.run();
            passed++;
            System.out.println("ok   " + name);
        } catch (Throwable e) {
            failed++;
            System.out.println("FAIL " + name + ": " + e.getMessage());
        }
    }

    private static void equal(Object expected, Object actual) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError("expected " + expected + " but was " + actual);
        }
    }
}
