#include "tools/place.hpp"

#include "geo/error.hpp"
#include "tools/format.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace fergana::tools {

namespace {

/// The feature's name and the names of its name_alt attribute.
std::vector<std::string> names_of(const std::string& name, const layers::Attributes& attributes) {
    std::vector<std::string> names = {name};
    for (const auto& [key, value] : attributes) {
        if (key != "name_alt")
            continue;
        std::size_t start = 0;
        while (start <= value.size()) {
            const std::size_t end = std::min(value.find(';', start), value.size());
            names.push_back(value.substr(start, end - start));
            start = end + 1;
        }
    }
    return names;
}

}  // namespace

std::string normalise_name(std::string_view name) {
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c))
            out += static_cast<char>(std::tolower(c));
        else if (c >= 0x80)
            out += static_cast<char>(c);  // keep non-ASCII letters as they are
    }
    return out;
}

bool looks_like_coordinates(std::string_view text) {
    return text.find(',') != std::string_view::npos &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) {
               return std::isdigit(c) || c == ',' || c == '.' || c == '-' || c == '+' ||
                      std::isspace(c);
           });
}

Place resolve_place(const layers::Dataset& data, const std::string& name) {
    const std::string key = normalise_name(name);
    std::vector<Place> found;
    std::vector<std::pair<std::size_t, std::string>> near;  // edit distance, label
    auto consider = [&](const std::vector<std::string>& candidates, const Place& place) {
        std::size_t closest = std::string::npos;
        for (const std::string& candidate : candidates) {
            const std::string n = normalise_name(candidate);
            if (n.empty())
                continue;
            if (n == key) {
                found.push_back(place);
                return;
            }
            closest = std::min(closest, edit_distance(n, key));
        }
        if (closest != std::string::npos)
            near.emplace_back(closest, place.label);
    };
    for (const auto& s : data.settlements.features) {
        consider(
            names_of(s.name, s.attributes),
            {s.position, geo::Geometry::point(s.position),
             s.name + " (settlement " + s.id + (s.country.empty() ? "" : ", " + s.country) + ")",
             false});
    }
    for (const auto& e : data.enclaves.features) {
        const geo::Box b = e.geometry.bounds();
        consider(names_of(e.name, e.attributes),
                 {{(b.min_lon + b.max_lon) / 2, (b.min_lat + b.max_lat) / 2},
                  e.geometry,
                  e.name + " (enclave of " + e.owner + ")",
                  true});
    }
    // A settlement and an enclave may share a name (Vorukh): the settlement is the place.
    const auto settlements =
        std::count_if(found.begin(), found.end(), [](const Place& p) { return !p.enclave; });
    if (settlements == 1)
        return *std::find_if(found.begin(), found.end(), [](const Place& p) { return !p.enclave; });
    if (found.size() == 1)
        return found.front();
    std::string list;
    if (found.size() > 1) {
        for (const Place& p : found) list += (list.empty() ? "" : "; ") + p.label;
        throw UsageError("place '" + name + "' is ambiguous: " + list, "give LON,LAT instead");
    }
    std::stable_sort(near.begin(), near.end());
    for (std::size_t i = 0; i < near.size() && i < 5; ++i)
        list += (list.empty() ? "" : "; ") + near[i].second;
    throw UsageError("no settlement or enclave named '" + name + "'",
                     list.empty() ? "give LON,LAT instead" : "closest names: " + list);
}

}  // namespace fergana::tools
