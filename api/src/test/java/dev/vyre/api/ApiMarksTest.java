package dev.vyre.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/** Every public type of the user API states its stability, as JUnit 5 marks its own. */
class ApiMarksTest {

    @Test
    void everyPublicApiTypeCarriesAStabilityMark() {
        for (Class<?> type : List.of(BackendInfo.class, Device.class, DispatchRequest.class, DispatchResult.class,
                Features.class, Megakernel.class, Op.class, Session.class, SessionOptions.class,
                SessionOptions.Builder.class, Slots.class, Vyre.class)) {
            API api = type.getAnnotation(API.class);
            assertTrue(api != null && !api.since().isEmpty(), type + " has no @API(since=...) mark");
        }
    }
}
