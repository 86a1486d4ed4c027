// PatientData: what one hook call knows about its patient, by data key.
//
// A data key is a prefetch key ("hbvSerology") or a FHIR read ("Medication/123"). Each
// is in one of three states, and the difference matters clinically:
//   kReady       the answer is known: resources, or none at all ("no data" is an answer:
//                a null prefetch value or an empty searchset);
//   kNotFetched  nobody has asked the FHIR server yet (the prefetch key was absent, or a
//                prefetched search has more pages);
//   kUnavailable it was asked and the answer could not be read (fetch failed or timed
//                out, an OperationOutcome came back): a rule must not treat this as "no
//                data" and claim that a test is missing.
//
// Resources that name a different patient than the request's are dropped (and
// counted), so prefetch mistakes cannot put another person's results on this card.
//
// Holds pointers into the request's Document and owns fetched Documents.
// Single-threaded: built and read within one hook call.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"

#include "fhir/fhir_client.h"
#include "fhir/resource_index.h"

#include "hooks/request.h"

namespace cds::hooks {

enum class DataState { kReady, kNotFetched, kUnavailable };

struct DataEntry {
  DataState state = DataState::kNotFetched;
  std::vector<const json::Value*> resources;  // kReady (possibly empty)
  std::string reason;                         // kUnavailable: why, without patient data
  std::string next_page;                      // kNotFetched: a prefetch page's next link
};

class PatientData {
 public:
  PatientData(std::string patient_id, size_t max_resources)
      : patient_id_(std::move(patient_id)), max_resources_(max_resources) {}
  PatientData(const PatientData&) = delete;
  PatientData& operator=(const PatientData&) = delete;

  // Reads the request's prefetch values for `keys` (others are ignored: a
  // service receives only the prefetch it asked for) and
  // indexes draftOrders. kResourceExhausted when more than max_resources arrive.
  Status LoadRequest(const CdsRequest& request, const std::vector<std::string>& keys);

  // nullptr when the key was never seen (same meaning as kNotFetched).
  const DataEntry* Find(std::string_view key) const;

  // Records the FHIR server's answer for `key`. For a read, 404 is "no data".
  Status AddFetched(const std::string& key, fhir::FhirResponse response, bool is_read);
  void MarkUnavailable(const std::string& key, std::string reason);

  const fhir::ResourceIndex& index() const { return index_; }
  size_t foreign_resources_dropped() const { return foreign_dropped_; }
  size_t resource_count() const { return resource_count_; }

 private:
  Status AddResource(DataEntry& entry, const json::Value& resource, std::string_view full_url);
  Status AddPrefetchValue(const std::string& key, const json::Value& value);
  Status AddPage(DataEntry& entry, const json::Value& page);
  bool BelongsToPatient(const json::Value& resource) const;

  std::string patient_id_;
  size_t max_resources_;
  size_t resource_count_ = 0;
  size_t foreign_dropped_ = 0;
  std::map<std::string, DataEntry, std::less<>> entries_;
  std::vector<std::unique_ptr<json::Document>> owned_;
  fhir::ResourceIndex index_;
};

}  // namespace cds::hooks
