package beacons;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The beacons microservice: GET /heartbeat and POST /v1/beacons/get_beacons on HTTP_PORT (8080). */
public final class BeaconsService {
    private static final Pattern SITE = Pattern.compile("\"site_id\"\\s*:\\s*\"([^\"]*)\"");

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("HTTP_PORT", "8080"));
        String store = System.getenv("BEACONS_URL");
        Beacons beacons = store == null ? sample() : load(store, 30_000);
        start(port, beacons);
        System.out.println("beacons listening on port " + port + " with " + beacons.bySite(null).size() + " beacons");
    }

    /** Loads the beacons from the store, waiting for it to come up (it starts beside the service). */
    static Beacons load(String url, long patienceMillis) throws IOException {
        long deadline = System.currentTimeMillis() + patienceMillis;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (true) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return Beacons.fromCsv(response.body());
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("the store answered " + response.statusCode() + " at " + url);
                }
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("the store at " + url + " did not answer: " + e.getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the store", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the store", e);
            }
        }
    }

    public static HttpServer start(int port, Beacons beacons) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/heartbeat", exchange -> reply(exchange, 200, "text/plain", "OK"));
        server.createContext("/v1/beacons/get_beacons", exchange -> {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "text/plain", "use POST");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher site = SITE.matcher(body);
            reply(exchange, 200, "application/json", Beacons.toJson(beacons.bySite(site.find() ? site.group(1) : null)));
        });
        server.start();
        return server;
    }

    static Beacons sample() {
        Beacons beacons = new Beacons();
        beacons.add(new Beacons.Beacon("1", "1", "TestBeacon1", 0, 0));
        beacons.add(new Beacons.Beacon("2", "1", "TestBeacon2", 2, 2));
        beacons.add(new Beacons.Beacon("3", "2", "TestBeacon3", 10, 10));
        return beacons;
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
