///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Runs the kit's tests: the fast ones in this JVM, then the end-to-end ones on a real Docker engine; ends with "N passed, N failed".
//JAVA 17+
//DEPS org.junit.jupiter:junit-jupiter-engine:5.11.4
//DEPS org.junit.jupiter:junit-jupiter-params:5.11.4
//DEPS org.junit.platform:junit-platform-launcher:1.11.4
//DEPS com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:2.18.2
//SOURCES ../lib/Kit.java ../pipeline.java ../run.java ../clean.java ../tag.java ../install.java
//SOURCES Harness.java ArchitectureTest.java TablesTest.java ComponentTest.java ArgumentsTest.java PathSafetyTest.java ScriptTest.java ReleaseTest.java BuildTest.java ComposeTest.java PublishTest.java CleanTest.java TagTest.java SafetyTest.java EcosystemTest.java TemplateTest.java WrapperTest.java ImageBuildTest.java MultiPlatformTest.java
//MAIN RunTests

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
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
 * ./jbang tests/RunTests.java [--fast] [TestClass[#method] ...]: every test class of this folder (found on
 * the class path: listing them in //SOURCES is registering them), or the ones named. --fast runs
 * only the tests not tagged "engine": no Docker engine, no root, no network.
 */
class RunTests {
    public static void main(String... args) throws Exception {
        List<String> names = new ArrayList<>(List.of(args));
        boolean fast = names.remove("--fast");
        List<DiscoverySelector> selectors = new ArrayList<>();
        if (names.isEmpty()) {
            selectors.add(DiscoverySelectors.selectClasspathRoots(Set.of(Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI()))).get(0));
        }
        names.forEach(name -> selectors.add(name.contains("#") ? DiscoverySelectors.selectMethod(name) : DiscoverySelectors.selectClass(name)));
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request().selectors(selectors);
        if (fast) {
            request.filters(TagFilter.excludeTags(Harness.ENGINE));
        }
        LauncherDiscoveryRequest discovery = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener progress = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    String status = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "ok  " : "FAIL";
                    String name = test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                            .map(method -> method.getClassName() + "." + method.getMethodName()).orElse(test.getDisplayName());
                    System.out.println(status + " " + name + "  "
                            + result.getThrowable().map(e -> "-- " + e.getMessage()).orElse(""));
                }
            }
        };
        launcher.execute(discovery, summary, progress);
        Harness.printFigures();
        TestExecutionSummary result = summary.getSummary();
        if (result.getTotalFailureCount() > 0) {
            result.printFailuresTo(new PrintWriter(System.out), 25);
        }
        long failed = result.getTotalFailureCount() + result.getTestsAbortedCount();
        System.out.println(result.getTestsSucceededCount() + " passed, " + failed + " failed"
                + (result.getTestsSkippedCount() > 0 ? ", " + result.getTestsSkippedCount() + " skipped" : ""));
        System.exit(failed == 0 && result.getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
