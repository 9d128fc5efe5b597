package beacons;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The business logic: beacons (radio transmitters at known places) kept in memory. */
public final class Beacons {
    public record Beacon(String id, String site, String label, double latitude, double longitude) {
        String toJson() {
            return String.format("{\"id\":\"%s\",\"site_id\":\"%s\",\"label\":\"%s\",\"center\":{\"type\":\"Point\",\"coordinates\":[%s,%s]}}",
                    id, site, label, longitude, latitude);
        }
    }

    private final Map<String, Beacon> beacons = new ConcurrentHashMap<>();

    public void add(Beacon beacon) {
        beacons.put(beacon.id(), beacon);
    }

    /** The beacons of one site, or of every site when site is null. */
    public List<Beacon> bySite(String site) {
        List<Beacon> found = new ArrayList<>();
        for (Beacon beacon : beacons.values()) {
            if (site == null || site.equals(beacon.site())) {
                found.add(beacon);
            }
        }
        found.sort((a, b) -> a.id().compareTo(b.id()));
        return found;
    }

    /** The nearest beacon's position among those labelled with one of the given labels, or null. */
    public Beacon locate(String site, List<String> labels) {
        for (Beacon beacon : bySite(site)) {
            if (labels.contains(beacon.label())) {
                return beacon;
            }
        }
        return null;
    }

    /** Reads "id,site,label,latitude,longitude" lines, as the store serves them. */
    public static Beacons fromCsv(String text) {
        Beacons beacons = new Beacons();
        for (String line : text.split("\\R")) {
            String[] fields = line.split(",");
            if (fields.length == 5) {
                beacons.add(new Beacon(fields[0], fields[1], fields[2], Double.parseDouble(fields[3]), Double.parseDouble(fields[4])));
            }
        }
        return beacons;
    }

    public static String toJson(List<Beacon> beacons) {
        List<String> items = new ArrayList<>();
        beacons.forEach(beacon -> items.add(beacon.toJson()));
        return "{\"data\":[" + String.join(",", items) + "],\"total\":" + beacons.size() + "}";
    }
}
