///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Runs the kit's tests (unit tests, then end-to-end tests on a real Docker engine); ends with "N passed, N failed".
//JAVA 17+
//DEPS org.junit.jupiter:junit-jupiter-engine:5.11.4
//DEPS org.junit.jupiter:junit-jupiter-params:5.11.4
//DEPS org.junit.platform:junit-platform-launcher:1.11.4
//DEPS com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:2.18.2
//SOURCES ../lib/Kit.java
//SOURCES Harness.java ComponentTest.java ArgumentsTest.java PathSafetyTest.java BuildTest.java ComposeTest.java PublishTest.java ClearTest.java TagTest.java SafetyTest.java EcosystemTest.java TemplateTest.java WrapperTest.java

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** ./jbang tests/RunTests.java [TestClass ...]: runs all test classes, or the ones named. */
class RunTests {
    static final List<Class<?>> ALL = List.of(ComponentTest.class, ArgumentsTest.class, PathSafetyTest.class, BuildTest.class, ComposeTest.class, PublishTest.class, ClearTest.class, TagTest.class, SafetyTest.class, EcosystemTest.class, TemplateTest.class, WrapperTest.class);

    public static void main(String... args) throws Exception {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> each : ALL) {
            if (args.length == 0 || List.of(args).contains(each.getSimpleName())) {
                classes.add(each);
            }
        }
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        classes.forEach(each -> request.selectors(DiscoverySelectors.selectClass(each)));
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
