import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** JSON as the kit reads it (strictly: the files are the repository's, which may be hostile) and writes it into one-line messages. */
final class Json {
    private Json() {
    }

    /**
     * The JSON tree of TEXT (null when there is none), as ObjectMapper.readTree reads it, but with
     * jackson-core's parser: starting an ObjectMapper costs a script a tenth of a second.
     */
    static JsonNode tree(String text) throws IOException {
        try (JsonParser parser = parser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            JsonNode tree = node(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "text after the end of the JSON value");
            }
            return tree;
        }
    }

    /**
     * A strict parser: a field twice is an error (build would write the first "build" and later
     * steps read the second), and no more than 50 levels of nesting. A UTF-8 byte order mark, which
     * PowerShell's Set-Content -Encoding UTF8 writes, is skipped (and kept when the file is written back).
     */
    static JsonParser parser(String text) throws IOException {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(50).build()).build();
        JsonParser parser = factory.createParser(withoutByteOrderMark(text));
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return parser;
    }

    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? " " + text.substring(1) : text;
    }

    private static JsonNode node(JsonParser parser) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (parser.currentToken()) {
            case START_OBJECT:
                ObjectNode object = nodes.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, node(parser));
                }
                return object;
            case START_ARRAY:
                ArrayNode array = nodes.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(parser));
                }
                return array;
            case VALUE_STRING:
                return nodes.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return nodes.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return nodes.numberNode(parser.getDecimalValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return nodes.booleanNode(parser.getBooleanValue());
            default:
                return nodes.nullNode();
        }
    }

    /** VALUE as a JSON string: quotes, backslashes and every control character or line separator escaped, so it prints on one line. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }
}
