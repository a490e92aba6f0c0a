#pragma once
// The exception hierarchy of fergana. Every error says where it happened:
// the file, the layer, the feature id and the field, when they are known.

#include <stdexcept>
#include <string>

namespace fergana {

/// Where in the input a problem was found. Empty members are unknown.
struct Location {
    std::string file;
    std::string layer;
    std::string feature;  // feature id (the `id` field, or the FID when there is none)
    std::string field;

    /// "file 'x.gpkg', layer 'incidents', feature 12, field 'date'" (only the known parts).
    [[nodiscard]] std::string describe() const;
};

/// Base of all fergana errors: an input or runtime problem (exit code 1).
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, Location where = {}, std::string hint = {});

    [[nodiscard]] const Location& where() const noexcept { return m_where; }
    [[nodiscard]] const std::string& hint() const noexcept { return m_hint; }
    /// The bare message, without the location.
    [[nodiscard]] const std::string& message() const noexcept { return m_message; }

private:
    std::string m_message;
    Location m_where;
    std::string m_hint;
};

/// A geometry operation failed (GEOS reported an error, or a geometry is unusable).
class GeometryError : public Error {
public:
    using Error::Error;
};

/// A coordinate reference system or transformation failed (PROJ reported an error).
class ProjectionError : public Error {
public:
    using Error::Error;
};

/// A layer could not be opened, read or written, or its content is unusable.
class LayerError : public Error {
public:
    using Error::Error;
};

/// The command line is wrong (exit code 2).
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message, std::string hint = {})
        : std::runtime_error(message), m_hint(std::move(hint)) {}
    [[nodiscard]] const std::string& hint() const noexcept { return m_hint; }

private:
    std::string m_hint;
};

}  // namespace fergana
