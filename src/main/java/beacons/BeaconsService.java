package beacons;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The beacons microservice: GET /heartbeat and POST /v1/beacons/get_beacons on HTTP_PORT (8080). */
public final class BeaconsService {
    private static final Pattern SITE = Pattern.compile("\"site_id\"\\s*:\\s*\"([^\"]*)\"");

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("HTTP_PORT", "8080"));
        start(port, sample());
        System.out.println("beacons listening on port " + port);
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
