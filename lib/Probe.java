import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** HTTP checks of a started service: poll until it answers (no fixed sleep), then smoke requests. */
final class Probe {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** Why the last request did not succeed, for the error message. */
    String lastError = "no request made";

    /** Polls GET uri every interval until it answers 2xx (true) or the deadline passes (false). */
    boolean waitUntilReady(URI uri, Duration timeout, Duration interval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long started = System.nanoTime();
            if (succeeds("GET", uri, null)) {
                return true;
            }
            long pause = Math.min(interval.toNanos() - (System.nanoTime() - started), deadline - System.nanoTime());
            if (System.nanoTime() >= deadline) {
                return false;
            }
            sleep(Math.max(pause, 0));
        }
    }

    /** Sends one request; true when the answer is 2xx, else lastError says why. */
    boolean succeeds(String method, URI uri, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                return true;
            }
            String answer = response.body().strip();
            lastError = method + " " + uri + " answered " + response.statusCode()
                    + (answer.isEmpty() ? "" : ": " + answer.substring(0, Math.min(answer.length(), 200)));
        } catch (IOException e) {
            lastError = method + " " + uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastError = method + " " + uri + ": interrupted";
        } catch (IllegalArgumentException e) {
            throw Exit.badInput("cannot request " + uri + ": " + e.getMessage());
        }
        return false;
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
