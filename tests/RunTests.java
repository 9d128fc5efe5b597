///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Runs the kit's tests: the fast ones in this JVM, then the end-to-end ones on a real Docker engine; ends with "N passed, N failed".
//JAVA 17+
//DEPS org.junit.jupiter:junit-jupiter-engine:5.11.4
//DEPS org.junit.jupiter:junit-jupiter-params:5.11.4
//DEPS org.junit.platform:junit-platform-launcher:1.11.4
//DEPS com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:2.18.2
//SOURCES ../lib/Kit.java ../pipeline.java ../run.java ../clean.java ../tag.java ../install.java
//SOURCES Harness.java ArchitectureTest.java TablesTest.java DockerfileTest.java InstallTest.java ComponentTest.java ArgumentsTest.java PathSafetyTest.java ScriptTest.java TrustTest.java ReleaseTest.java BuildTest.java ComposeTest.java PublishTest.java CleanTest.java TagTest.java SafetyTest.java EcosystemTest.java TemplateTest.java WrapperTest.java ImageBuildTest.java MultiPlatformTest.java
//MAIN RunTests

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * ./jbang tests/RunTests.java [--fast | --stack] [TestClass[#method] ...]: every test class of this
 * folder (found on the class path: listing them in //SOURCES is registering them), or the ones named.
 * The fast classes (no engine) run first, one at a time; then the classes tagged "engine", their
 * tests side by side (each has a repository of its own; a class whose tests share what it made once
 * says so with @Execution(SAME_THREAD), one that reads or changes the whole engine with @Isolated).
 * --fast runs only the first part: no Docker engine, no root, no network. --stack runs only the
 * engine classes whose outcome depends on the Docker stack (tagged "stack"): what CI runs again on
 * its second stack. Ends with the seconds per class, slowest first, the safety figures, and
 * "N passed, N failed".
 */
class RunTests {
    /** The console as it was at the start: an in-process test swaps System.out while it captures. */
    static final PrintStream OUT = System.out;
    /** How many engine classes run at once (PIPKIT_TEST_THREADS): they mostly wait on the engine. */
    static final String THREADS = System.getenv().getOrDefault("PIPKIT_TEST_THREADS", "3");

    public static void main(String... args) throws Exception {
        List<String> names = new ArrayList<>(List.of(args));
        boolean fast = names.remove("--fast");
        boolean stack = names.remove("--stack");
        List<DiscoverySelector> selectors = new ArrayList<>();
        if (names.isEmpty()) {
            selectors.add(DiscoverySelectors.selectClasspathRoots(Set.of(Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI()))).get(0));
        }
        names.forEach(name -> selectors.add(name.contains("#") ? DiscoverySelectors.selectMethod(name) : DiscoverySelectors.selectClass(name)));
        Map<String, Double> seconds = new ConcurrentHashMap<>();
        List<TestExecutionSummary> summaries = new ArrayList<>();
        if (!stack) {
            summaries.add(execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).filters(TagFilter.excludeTags(Harness.ENGINE))
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "false").build(), seconds));
        }
        if (!fast) {
            LauncherDiscoveryRequestBuilder engine = LauncherDiscoveryRequestBuilder.request().selectors(selectors).filters(TagFilter.includeTags(Harness.ENGINE))
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                    .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", THREADS);
            if (stack) {
                engine.filters(TagFilter.includeTags(Harness.STACK));
            }
            summaries.add(execute(engine.build(), seconds));
        }
        Harness.removeSuiteImages();
        Harness.removeSuiteKit();
        OUT.println("seconds per class, slowest first:");
        seconds.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(each -> OUT.printf("%8.1f  %s%n", each.getValue(), each.getKey()));
        Harness.printFigures();
        long passed = 0;
        long failed = 0;
        long skipped = 0;
        for (TestExecutionSummary summary : summaries) {
            if (summary.getTotalFailureCount() > 0) {
                summary.printFailuresTo(new PrintWriter(OUT), 25);
            }
            passed += summary.getTestsSucceededCount();
            failed += summary.getTotalFailureCount() + summary.getTestsAbortedCount();
            skipped += summary.getTestsSkippedCount();
        }
        OUT.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }

    /** Runs DISCOVERY: a line per test as it ends, each class's seconds into SECONDS. */
    static TestExecutionSummary execute(LauncherDiscoveryRequest discovery, Map<String, Double> seconds) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Map<String, Long> started = new ConcurrentHashMap<>();
        TestExecutionListener progress = new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier test) {
                started.put(test.getUniqueId(), System.nanoTime());
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                Long start = started.remove(test.getUniqueId());
                double took = start == null ? 0 : (System.nanoTime() - start) / 1e9;
                if (test.isTest()) {
                    String status = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "ok  " : "FAIL";
                    String name = test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                            .map(method -> method.getClassName() + "." + method.getMethodName()).orElse(test.getDisplayName());
                    OUT.println(status + " " + name + String.format(" (%.1f s)  ", took) + result.getThrowable().map(e -> "-- " + e.getMessage()).orElse(""));
                }
                test.getSource().filter(ClassSource.class::isInstance).ifPresent(source -> seconds.put(((ClassSource) source).getClassName(), took));
            }
        };
        launcher.execute(discovery, summary, progress);
        return summary.getSummary();
    }
}
