namespace Digest.Ingest;

/// <summary>
/// Told after an ingest stored new listings, to start work on them (embedding) without the ingest waiting for it.
/// It must return at once and never throw: the listings are stored whatever it does.
/// </summary>
public interface INewListingsFollowUp
{
    void Stored(int newListings);
}
