import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A command line declared in code: what picocli's annotations would say, built with its
 * programmatic model. Annotations are read as proxy classes made at run time, which no class
 * archive holds, and found by reflection: a build started 12 ms later on JDK 17 and 25 ms later
 * on JDK 25 with them (measured side by side, docs/benchmark.md).
 * Each option hands its value, converted by picocli, to a setter of its command's field.
 */
final class Cli {
    /** A command or a mixin: it declares its options into a {@link Cli}. */
    interface Declared {
        void declare(Cli cli);
    }

    private final CommandSpec spec;
    /** The options, positional parameters and mixins, in the order declared: built once all is said (an option's builder may still be added to). */
    private final List<Object> arguments = new ArrayList<>();

    private Cli(Object command) {
        spec = CommandSpec.wrapWithoutInspection(command);
    }

    /** The model of COMMAND, with what it declares; its mixins are found again by their type (their user object). */
    static CommandSpec spec(Declared command) {
        Cli cli = new Cli(command);
        command.declare(cli);
        return cli.build();
    }

    private CommandSpec build() {
        for (Object argument : arguments) {
            if (argument instanceof OptionSpec.Builder option) {
                spec.addOption(option.build());
            } else if (argument instanceof Mixin mixin) {
                spec.addMixin(mixin.name(), mixin.spec());
            } else {
                spec.addPositional(((PositionalParamSpec.Builder) argument).build());
            }
        }
        return spec;
    }

    /** The command's name, what it does, and FOOTER: the lines under "Environment:". */
    void usage(String name, String description, String... footer) {
        spec.name(name);
        spec.usageMessage().description(description).footerHeading("%nEnvironment:%n").footer(footer);
    }

    /** The options MIXIN declares, where this line stands. */
    void mixin(String name, Declared mixin) {
        arguments.add(new Mixin(name, spec(mixin)));
    }

    /** A flag (NAMES: "-v, --verbose"): true when given. */
    OptionSpec.Builder flag(String names, String description, Consumer<Boolean> set) {
        return option(names, null, description, boolean.class, set);
    }

    /** An option with a value of TYPE (picocli converts it, and says so when it cannot), shown as LABEL. */
    <T> OptionSpec.Builder option(String names, String label, String description, Class<T> type, Consumer<T> set) {
        Binding<T> binding = new Binding<>(set);
        OptionSpec.Builder option = OptionSpec.builder(names.split(", ")).description(description).type(type).getter(binding).setter(binding);
        if (label != null) {
            option.paramLabel(label);
        }
        arguments.add(option);
        return option;
    }

    /** A repeatable option, its values of TYPE in order. */
    <T> OptionSpec.Builder list(String names, String label, String description, Class<T> type, Consumer<List<T>> set) {
        @SuppressWarnings("unchecked")
        OptionSpec.Builder option = option(names, label, description, List.class, values -> set.accept((List<T>) values));
        option.auxiliaryTypes(type);
        return option;
    }

    /** Positional parameters of TYPE, one or more. */
    <T> PositionalParamSpec.Builder parameters(String label, String description, Class<T> type, Consumer<List<T>> set) {
        Binding<List<T>> binding = new Binding<>(set);
        PositionalParamSpec.Builder parameters = PositionalParamSpec.builder().paramLabel(label).description(description).arity("1..*").required(true)
                .type(List.class).auxiliaryTypes(type).getter(binding).setter(binding);
        arguments.add(parameters);
        return parameters;
    }

    private record Mixin(String name, CommandSpec spec) {
    }

    /**
     * Where picocli keeps an option's value: read back as it adds a repeated option's values, and
     * handed to the field's setter. Without a value (picocli's reset before it parses) the field
     * keeps the initial value its command gave it: a model is parsed once, every run makes its
     * command anew (a retry and each step of the pipeline too).
     */
    private static final class Binding<T> implements IGetter, ISetter {
        private final Consumer<T> set;
        private Object value;

        Binding(Consumer<T> set) {
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            V previous = (V) this.value;
            this.value = value;
            if (value != null) {
                set.accept((T) value);
            }
            return previous;
        }
    }
}
