// fergana_make_incidents: the benchmark's synthetic incidents, the same on every machine.
//
//   build/bin/fergana_make_incidents --count 1000000 -o bench/out/incidents_1e6.gpkg
//
// N points uniformly random in longitude 69.0-73.8 and latitude 39.3-41.6 (the Fergana
// Valley box of docs/performance.md), each with an id (i0000001...), a date (uniform over
// 2000-01-01..2025-12-31) and a type (one of five), written as layer `incidents` (EPSG:4326)
// of a GeoPackage. The generator is SplitMix64 with a fixed seed and the doubles are built
// from its top 53 bits, so the file does not depend on the standard library's
// distributions: the same --count and --seed give the same coordinates everywhere.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

namespace {

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and fully specified.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    // Uniform in [0, 1): the top 53 bits as the mantissa.
    double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

constexpr double lon_min = 69.0, lon_max = 73.8, lat_min = 39.3, lat_max = 41.6;
constexpr std::array<const char*, 5> types = {"shelling", "armed_clash", "shooting", "drone_strike",
                                              "detention"};

// Civil date from days since 1970-01-01 (Hinnant's algorithm).
std::string civil_date(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
    char text[32];
    std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    return text;
}

int usage(const char* message) {
    std::cerr << "fergana_make_incidents: " << message << "\n"
              << "usage: fergana_make_incidents --count N -o FILE.gpkg [--seed S]\n";
    return 2;
}

bool parse_u64(std::string_view text, std::uint64_t& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t count = 0, seed = 20260101;
    std::string output;
    bool have_count = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            return usage(("missing value after " + std::string(arg)).c_str());
        const std::string_view value = argv[++i];
        if (arg == "--count") {
            if (!parse_u64(value, count))
                return usage("--count takes a whole number");
            have_count = true;
        } else if (arg == "--seed") {
            if (!parse_u64(value, seed))
                return usage("--seed takes a whole number");
        } else if (arg == "-o" || arg == "--output") {
            output = value;
        } else {
            return usage(("unknown option " + std::string(arg)).c_str());
        }
    }
    if (!have_count || output.empty())
        return usage("--count and -o are required");

    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) {
        std::cerr << "fergana_make_incidents: GDAL has no GPKG driver\n";
        return 1;
    }
    std::remove(output.c_str());
    GDALDatasetUniquePtr ds(driver->Create(output.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) {
        std::cerr << "fergana_make_incidents: cannot create " << output << ": "
                  << CPLGetLastErrorMsg() << "\n";
        return 1;
    }
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* layer_options[] = {"SPATIAL_INDEX=NO", nullptr};
    OGRLayer* layer =
        ds->CreateLayer("incidents", &wgs84, wkbPoint, const_cast<char**>(layer_options));
    if (layer == nullptr) {
        std::cerr << "fergana_make_incidents: cannot create layer incidents: "
                  << CPLGetLastErrorMsg() << "\n";
        return 1;
    }
    for (const char* name : {"id", "date", "type"}) {
        OGRFieldDefn field(name, OFTString);
        if (layer->CreateField(&field) != OGRERR_NONE)
            return 1;
    }

    SplitMix64 rng(seed);
    const std::int64_t first_day = 10957;  // 2000-01-01
    const std::int64_t day_count = 9497;   // through 2025-12-31
    char id[32];
    if (ds->StartTransaction() != OGRERR_NONE)
        return 1;
    for (std::uint64_t k = 0; k < count; ++k) {
        const double lon = lon_min + (lon_max - lon_min) * rng.unit();
        const double lat = lat_min + (lat_max - lat_min) * rng.unit();
        const auto day = first_day + static_cast<std::int64_t>(
                                         rng.next() % static_cast<std::uint64_t>(day_count));
        const char* type = types[rng.next() % types.size()];
        std::snprintf(id, sizeof id, "i%07llu", static_cast<unsigned long long>(k + 1));
        OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        feature->SetField(0, id);
        feature->SetField(1, civil_date(day).c_str());
        feature->SetField(2, type);
        feature->SetGeometryDirectly(new OGRPoint(lon, lat));
        if (layer->CreateFeature(feature.get()) != OGRERR_NONE) {
            std::cerr << "fergana_make_incidents: writing feature " << k + 1 << ": "
                      << CPLGetLastErrorMsg() << "\n";
            return 1;
        }
    }
    if (ds->CommitTransaction() != OGRERR_NONE) {
        std::cerr << "fergana_make_incidents: cannot finish " << output << ": "
                  << CPLGetLastErrorMsg() << "\n";
        return 1;
    }
    // GDAL 3.6 has no GDALDataset::Close(): closing reports errors through CPLGetLastErrorType.
    CPLErrorReset();
    GDALClose(GDALDataset::ToHandle(ds.release()));
    if (CPLGetLastErrorType() >= CE_Failure) {
        std::cerr << "fergana_make_incidents: cannot close " << output << ": "
                  << CPLGetLastErrorMsg() << "\n";
        return 1;
    }
    return 0;
}
